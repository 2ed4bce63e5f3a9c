// id_generator.
#include "server/core/ids.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace imedge::server {
namespace {
constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t random_chars = 20;

bool is_base64url(std::string_view s) {
    return std::ranges::all_of(s, [](char c) { return alphabet.find(c) != alphabet.npos; });
}
} // namespace

std::string id_generator::next() {
    if (used_ + random_chars > random_.size()) {
        if (RAND_bytes(random_.data(), static_cast<int>(random_.size())) != 1)
            throw std::runtime_error("RAND_bytes failed");
        used_ = 0;
    }
    std::string id;
    id.reserve(random_chars + node_tag_.size() + 1);
    for (std::size_t i = 0; i < random_chars; ++i)
        id += alphabet[random_[used_++] & 63];
    id += node_tag_;
    id += alphabet[shard_ & 63];
    return id;
}

std::optional<std::size_t> id_generator::shard_of(std::string_view id) {
    if (id.size() != random_chars + 1 && id.size() != random_chars + node_tag_chars + 1)
        return std::nullopt;
    auto pos = alphabet.find(id.back());
    if (pos == std::string_view::npos)
        return std::nullopt;
    return pos;
}

std::string_view id_generator::node_tag_of(std::string_view id) {
    if (id.size() != random_chars + node_tag_chars + 1)
        return {};
    auto tag = id.substr(random_chars, node_tag_chars);
    return is_node_tag(tag) ? tag : std::string_view{};
}

bool id_generator::is_node_tag(std::string_view tag) {
    return tag.size() == node_tag_chars && is_base64url(tag);
}

} // namespace imedge::server
