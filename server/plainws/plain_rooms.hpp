// Rooms for plain WebSocket peers on one shard (separate from Socket.IO's namespaces): members,
// their rooms, and delivery of published messages. Shard-local; publishing to the other shards
// goes through the mesh as rooms::plain_broadcast.
#pragma once

#include "server/engineio/frame.hpp"

#include "rooms/registry.hpp"
#include "rooms/shard_message.hpp"

namespace imedge::server {

/// What the hub delivers to: a plain WebSocket connection's outgoing queue.
class plain_member {
public:
    virtual ~plain_member() = default;
    virtual void deliver(const frame& f) = 0;
};

/// The registry holds the peers themselves; a peer calls remove() before it goes.
class plain_rooms {
public:
    explicit plain_rooms(std::size_t max_rooms_per_peer) : registry_(max_rooms_per_peer) {}

    void remove(plain_member& m) { registry_.leave_all(&m); }
    rooms::join_result join(plain_member& m, std::string_view room) {
        return registry_.join(&m, room);
    }
    rooms::leave_result leave(plain_member& m, std::string_view room) {
        return registry_.leave(&m, room);
    }

    /// Delivers to this shard's members of the room, except `skip`.
    void deliver(const rooms::plain_broadcast& m, const plain_member* skip = nullptr) {
        frame f{m.data, m.binary ? frame_kind::binary : frame_kind::text};
        registry_.for_each_member(rooms::broadcast_filter{{m.room}, {}}, [&](plain_member* p) {
            if (p != skip)
                p->deliver(f);
        });
    }

private:
    rooms::registry<plain_member*> registry_;
};

} // namespace imedge::server
