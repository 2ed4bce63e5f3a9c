// Signing a webhook body (docs/push-webhook.md, "Checking the signature"): HMAC-SHA256 over
// "<timestamp>.<body>" with the shared secret, sent as `X-Imedge-Signature: sha256=<hex>`
// beside `X-Imedge-Timestamp: <timestamp>`, so a receiver can refuse a replayed old request.
// Sans-IO; the clock comes in as a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imedge::webhook {

inline constexpr std::string_view signature_header = "X-Imedge-Signature";
inline constexpr std::string_view timestamp_header = "X-Imedge-Timestamp";

/// Lower-case hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// The value of X-Imedge-Signature for `body` sent at `unix_seconds`: "sha256=<hex>".
std::string sign_body(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

} // namespace imedge::webhook
