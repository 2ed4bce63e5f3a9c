// How a cluster node finds the node that owns a session: the tag its ids carry (id_generator)
// names the node, and the directory says where that node listens. The cluster link provides it
// (push/node_registry.hpp, over Redis); server/ only calls it, so it never depends on Redis.
#pragma once

#include <functional>
#include <string>

namespace imedge::server {

/// Shared by every shard; its calls are thread-safe. It must outlive the shards' use of it: the
/// program stops it (answering or dropping what is pending) before it stops the server.
class node_directory {
public:
    node_directory() = default;
    node_directory(const node_directory&) = delete;
    node_directory& operator=(const node_directory&) = delete;
    virtual ~node_directory() = default;

    /// This node's tag (id_generator::is_node_tag), fixed for the life of the process.
    virtual const std::string& own_tag() const = 0;

    /// Returns at once; later calls `done` on a thread of the directory's own with the address
    /// ("IP:port") of the node tagged `tag`, or an empty string when no node has that tag or the
    /// directory cannot tell now. The caller bounds its wait itself: `done` may come late, or
    /// never while the directory stops.
    virtual void find(std::string tag, std::function<void(std::string address)> done) = 0;
};

} // namespace imedge::server
