// JWT verification at connect (HS256 with a secret, RS256/ES256 with a PEM public key) and
// minting of development tokens. Signatures are libjwt's; the header and claims are checked
// here, so every refusal has a stable reason a client can act on.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace imedge::im {

/// Why a token was refused; reason_name() is the wire form (CONNECT_ERROR data.reason).
enum class auth_failure : std::uint8_t {
    missing,
    malformed,
    bad_signature,
    wrong_algorithm,
    expired,
    not_yet_valid,
    wrong_issuer,
    wrong_audience,
    no_user,
    wrong_user, // a refresh token for another user than the connection's
};

std::string_view reason_name(auth_failure f);

/// Immutable after start-up; read by every shard.
struct jwt_settings {
    std::string algorithm = "HS256"; // HS256, RS256 or ES256; the only one accepted
    std::string key;                 // the HS256 secret, or the PEM public key text
    std::string private_key;         // PEM private key for minting RS256/ES256 (optional)
    std::string issuer;              // required `iss` when not empty
    std::string audience;            // required in `aud` (string or array) when not empty
    std::string user_claim = "sub";  // string or integer claim naming the user
    std::int64_t leeway_s = 0;       // clock skew allowed on exp, nbf and iat
};

/// What an accepted token says: who, until when, and which claims are `true` (the IM
/// service's permissions, such as --group-create-claim, are such claims).
struct verified_token {
    std::string user;
    std::optional<std::int64_t> expires_ms; // Unix ms of `exp` + leeway; none without `exp`
    std::vector<std::string> true_claims;   // names of the top-level claims whose value is true

    bool has_claim(std::string_view name) const;
};

/// Checks tokens against one configuration. Stateless and const: safe from any shard at once;
/// the caller passes its own (per-shard) JSON parser.
class jwt_verifier {
public:
    explicit jwt_verifier(jwt_settings s) : settings_(std::move(s)) {}

    /// The token's identity, or why it is refused. `now_s` is Unix time in seconds.
    std::variant<verified_token, auth_failure> verify(std::string_view token, std::int64_t now_s,
                                                      simdjson::dom::parser& parser) const;

    const jwt_settings& settings() const { return settings_; }

private:
    jwt_settings settings_;
};

/// A token for `user` valid from `now_s` for `ttl_s` seconds, signed with the configured
/// secret (HS256) or private key, carrying each of `true_claims` set to true. Empty when the
/// key cannot sign.
std::string mint_token(const jwt_settings& s, std::string_view user, std::int64_t now_s,
                       std::int64_t ttl_s, const std::vector<std::string>& true_claims = {});

/// Decodes unpadded base64url (RFC 4648 §5); false on any other character or a bad length.
bool decode_base64url(std::string_view text, std::string& out);

} // namespace imedge::im
