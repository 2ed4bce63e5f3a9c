// HMAC-SHA256 with OpenSSL's one-shot HMAC().
#include "webhook/signature.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace imedge::webhook {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &size);
    std::string out;
    out.reserve(std::size_t{2} * size);
    for (unsigned int i = 0; i < size; ++i)
        fmt::format_to(std::back_inserter(out), "{:02x}", mac[i]);
    return out;
}

std::string sign_body(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
    auto signed_text = fmt::format("{}.{}", unix_seconds, body);
    return "sha256=" + hmac_sha256_hex(secret, signed_text);
}

} // namespace imedge::webhook
