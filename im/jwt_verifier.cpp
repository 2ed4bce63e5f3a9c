// JWT checks: structure and header here (so `alg` is compared before any key is used),
// the signature by libjwt, then the registered claims (RFC 7519 §4.1).
#include "jwt_verifier.hpp"

#include <jwt.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace imedge::im {
namespace {

constexpr std::array<std::string_view, 10> reason_names = {
    "missing",       "malformed",    "bad_signature",  "wrong_algorithm", "expired",
    "not_yet_valid", "wrong_issuer", "wrong_audience", "no_user",         "wrong_user",
};

struct jwt_deleter {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
using jwt_ptr = std::unique_ptr<jwt_t, jwt_deleter>;

int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

// A numeric date claim (RFC 7519 §2: may carry a fraction); absent is fine, another type is not.
enum class claim_state : std::uint8_t { absent, ok, bad };
claim_state numeric_claim(simdjson::dom::object claims, std::string_view name, double& out) {
    auto value = claims[name];
    if (value.error() == simdjson::NO_SUCH_FIELD)
        return claim_state::absent;
    if (value.get(out) == simdjson::SUCCESS)
        return claim_state::ok;
    std::int64_t i = 0;
    if (value.get(i) == simdjson::SUCCESS) {
        out = static_cast<double>(i);
        return claim_state::ok;
    }
    return claim_state::bad;
}

bool audience_matches(simdjson::dom::element aud, std::string_view wanted) {
    std::string_view one;
    if (aud.get(one) == simdjson::SUCCESS)
        return one == wanted;
    simdjson::dom::array list;
    if (aud.get(list) != simdjson::SUCCESS)
        return false;
    for (auto item : list)
        if (item.get(one) == simdjson::SUCCESS && one == wanted)
            return true;
    return false;
}

std::vector<std::string> claims_set_true(simdjson::dom::object claims) {
    std::vector<std::string> out;
    for (auto field : claims) {
        bool flag = false;
        if (field.value.get(flag) == simdjson::SUCCESS && flag)
            out.emplace_back(field.key);
    }
    return out;
}

} // namespace

bool verified_token::has_claim(std::string_view name) const {
    return std::find(true_claims.begin(), true_claims.end(), name) != true_claims.end();
}

std::string_view reason_name(auth_failure f) {
    return reason_names.at(static_cast<std::size_t>(f));
}

bool decode_base64url(std::string_view text, std::string& out) {
    if (text.size() % 4 == 1)
        return false;
    out.clear();
    out.reserve(text.size() * 3 / 4);
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
        int v = base64url_value(c);
        if (v < 0)
            return false;
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        if (++count == 4) {
            out += static_cast<char>((bits >> 16) & 0xff);
            out += static_cast<char>((bits >> 8) & 0xff);
            out += static_cast<char>(bits & 0xff);
            bits = 0;
            count = 0;
        }
    }
    if (count == 2)
        out += static_cast<char>((bits >> 4) & 0xff);
    if (count == 3) {
        out += static_cast<char>((bits >> 10) & 0xff);
        out += static_cast<char>((bits >> 2) & 0xff);
    }
    return true;
}

std::variant<verified_token, auth_failure>
jwt_verifier::verify(std::string_view token, std::int64_t now_s,
                     simdjson::dom::parser& parser) const {
    if (token.empty())
        return auth_failure::missing;
    if (token.size() > 16384)
        return auth_failure::malformed;
    auto dot1 = token.find('.');
    auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return auth_failure::malformed;
    std::string header_text;
    std::string claims_text;
    if (!decode_base64url(token.substr(0, dot1), header_text) ||
        !decode_base64url(token.substr(dot1 + 1, dot2 - dot1 - 1), claims_text))
        return auth_failure::malformed;

    // The header first: a token naming another algorithm (`none`, or HS256 where RS256 is
    // configured, which would make the public key an HMAC secret) never reaches a key.
    std::string alg;
    {
        simdjson::dom::object header;
        std::string_view a;
        if (parser.parse(header_text).get(header) != simdjson::SUCCESS)
            return auth_failure::malformed;
        if (header["alg"].get(a) != simdjson::SUCCESS)
            return auth_failure::malformed;
        alg = std::string(a);
    }
    if (alg != settings_.algorithm)
        return auth_failure::wrong_algorithm;

    jwt_t* raw = nullptr;
    std::string token_text(token);
    int rc = jwt_decode(&raw, token_text.c_str(),
                        reinterpret_cast<const unsigned char*>(settings_.key.data()),
                        static_cast<int>(settings_.key.size()));
    jwt_ptr decoded(raw);
    if (rc != 0 || !decoded)
        return auth_failure::bad_signature;
    if (jwt_alg_str(jwt_get_alg(decoded.get())) != settings_.algorithm)
        return auth_failure::wrong_algorithm;

    simdjson::dom::object claims;
    if (parser.parse(claims_text).get(claims) != simdjson::SUCCESS)
        return auth_failure::malformed;
    const auto leeway = static_cast<double>(settings_.leeway_s);
    const auto now = static_cast<double>(now_s);
    double exp = 0, nbf = 0, iat = 0;
    auto exp_state = numeric_claim(claims, "exp", exp);
    auto nbf_state = numeric_claim(claims, "nbf", nbf);
    auto iat_state = numeric_claim(claims, "iat", iat);
    if (exp_state == claim_state::bad || nbf_state == claim_state::bad ||
        iat_state == claim_state::bad)
        return auth_failure::malformed;
    if (exp_state == claim_state::ok && now >= exp + leeway)
        return auth_failure::expired;
    if (nbf_state == claim_state::ok && now + leeway < nbf)
        return auth_failure::not_yet_valid;
    if (iat_state == claim_state::ok && now + leeway < iat)
        return auth_failure::not_yet_valid;
    if (!settings_.issuer.empty()) {
        std::string_view iss;
        if (claims["iss"].get(iss) != simdjson::SUCCESS || iss != settings_.issuer)
            return auth_failure::wrong_issuer;
    }
    if (!settings_.audience.empty()) {
        simdjson::dom::element aud;
        if (claims["aud"].get(aud) != simdjson::SUCCESS ||
            !audience_matches(aud, settings_.audience))
            return auth_failure::wrong_audience;
    }
    simdjson::dom::element user;
    if (claims[settings_.user_claim].get(user) != simdjson::SUCCESS)
        return auth_failure::no_user;
    verified_token out;
    std::string_view user_text;
    std::int64_t user_number = 0;
    std::uint64_t user_unsigned = 0;
    if (user.get(user_text) == simdjson::SUCCESS) {
        if (user_text.empty() || user_text.size() > 256)
            return auth_failure::no_user;
        out.user = std::string(user_text);
    } else if (user.get(user_number) == simdjson::SUCCESS) {
        out.user = std::to_string(user_number);
    } else if (user.get(user_unsigned) == simdjson::SUCCESS) {
        out.user = std::to_string(user_unsigned);
    } else {
        return auth_failure::no_user;
    }
    if (exp_state == claim_state::ok) // refused above unless exp + leeway is still ahead
        out.expires_ms = std::llround((exp + leeway) * 1000.0);
    out.true_claims = claims_set_true(claims);
    return out;
}

std::string mint_token(const jwt_settings& s, std::string_view user, std::int64_t now_s,
                       std::int64_t ttl_s, const std::vector<std::string>& true_claims) {
    jwt_t* raw = nullptr;
    if (jwt_new(&raw) != 0)
        return {};
    jwt_ptr token(raw);
    const std::string& key = s.algorithm == "HS256" ? s.key : s.private_key;
    if (key.empty())
        return {};
    std::string user_text(user);
    jwt_add_grant(token.get(), s.user_claim.c_str(), user_text.c_str());
    jwt_add_grant_int(token.get(), "iat", static_cast<long>(now_s));
    jwt_add_grant_int(token.get(), "exp", static_cast<long>(now_s + ttl_s));
    if (!s.issuer.empty())
        jwt_add_grant(token.get(), "iss", s.issuer.c_str());
    if (!s.audience.empty())
        jwt_add_grant(token.get(), "aud", s.audience.c_str());
    for (const auto& name : true_claims)
        jwt_add_grant_bool(token.get(), name.c_str(), 1);
    if (jwt_set_alg(token.get(), jwt_str_alg(s.algorithm.c_str()),
                    reinterpret_cast<const unsigned char*>(key.data()),
                    static_cast<int>(key.size())) != 0)
        return {};
    char* text = jwt_encode_str(token.get());
    if (!text)
        return {};
    std::string out(text);
    std::free(text);
    return out;
}

} // namespace imedge::im
