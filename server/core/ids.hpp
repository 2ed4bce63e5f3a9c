// Session and socket ids: unguessable, and naming the shard (and, in a cluster, the node) that
// owns them.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace imedge::server {

/// Per shard. An id is 20 base64url characters from OpenSSL's RAND_bytes (120 bits), then, on a
/// cluster node, the node's tag (node_tag_chars base64url characters naming it to the other
/// nodes, server_options::node_tag), then one character naming the owning shard (so at most 64
/// shards). A single node has no tag, so its ids keep their 21 characters.
class id_generator {
public:
    static constexpr std::size_t node_tag_chars = 4;

    /// `node_tag` is empty or node_tag_chars base64url characters (see is_node_tag).
    explicit id_generator(std::size_t shard, std::string node_tag = {})
        : shard_(shard), node_tag_(std::move(node_tag)) {}
    std::string next();

    /// The owning shard of an id made by any shard's generator, on any node.
    static std::optional<std::size_t> shard_of(std::string_view id);
    /// The tag of the node that made `id`; empty for an id of a single node or a malformed one.
    static std::string_view node_tag_of(std::string_view id);
    /// Whether `tag` can be a node tag: node_tag_chars base64url characters.
    static bool is_node_tag(std::string_view tag);

private:
    std::size_t shard_;
    std::string node_tag_;
    std::array<unsigned char, 960> random_{};
    std::size_t used_ = random_.size();
};

} // namespace imedge::server
