// Session and socket ids: unguessable, and naming the shard that owns them.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace imedge::server {

/// Per shard. An id is 20 base64url characters from OpenSSL's RAND_bytes (120 bits) followed
/// by one character naming the owning shard (so at most 64 shards).
class id_generator {
public:
    explicit id_generator(std::size_t shard) : shard_(shard) {}
    std::string next();

    /// The owning shard of an id made by any shard's generator.
    static std::optional<std::size_t> shard_of(std::string_view id);

private:
    std::size_t shard_;
    std::array<unsigned char, 960> random_{};
    std::size_t used_ = random_.size();
};

} // namespace imedge::server
