// id_generator.
#include "server/core/ids.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace imedge::server {
namespace {
constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t random_chars = 20;
} // namespace

std::string id_generator::next() {
    if (used_ + random_chars > random_.size()) {
        if (RAND_bytes(random_.data(), static_cast<int>(random_.size())) != 1)
            throw std::runtime_error("RAND_bytes failed");
        used_ = 0;
    }
    std::string id;
    id.reserve(random_chars + 1);
    for (std::size_t i = 0; i < random_chars; ++i)
        id += alphabet[random_[used_++] & 63];
    id += alphabet[shard_ & 63];
    return id;
}

std::optional<std::size_t> id_generator::shard_of(std::string_view id) {
    if (id.size() != random_chars + 1)
        return std::nullopt;
    auto pos = alphabet.find(id.back());
    if (pos == std::string_view::npos)
        return std::nullopt;
    return pos;
}

} // namespace imedge::server
