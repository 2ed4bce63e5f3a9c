// Rooms for plain WebSocket peers on one shard (separate from Socket.IO's namespaces): members,
// their rooms, and delivery of published messages. Shard-local; publishing to the other shards
// goes through the mesh as rooms::plain_broadcast.
#pragma once

#include "server/engineio/frame.hpp"

#include "rooms/registry.hpp"
#include "rooms/shard_message.hpp"

#include <optional>
#include <unordered_map>

namespace imedge::server {

/// What the hub delivers to: a plain WebSocket connection's outgoing queue.
class plain_member {
public:
    virtual ~plain_member() = default;
    virtual void deliver(const frame& f) = 0;
};

class plain_rooms {
public:
    rooms::member_id add(plain_member& m) {
        auto id = next_++;
        members_.emplace(id, &m);
        return id;
    }
    void remove(rooms::member_id id) {
        registry_.leave_all(id);
        members_.erase(id);
    }
    void join(rooms::member_id id, std::string_view room) { registry_.join(id, room); }
    void leave(rooms::member_id id, std::string_view room) { registry_.leave(id, room); }

    /// Delivers to this shard's members of the room, except `skip`.
    void deliver(const rooms::plain_broadcast& m,
                 std::optional<rooms::member_id> skip = std::nullopt) {
        frame f{m.data, m.binary ? frame_kind::binary : frame_kind::text};
        registry_.for_each_member(rooms::broadcast_filter{{m.room}, {}}, [&](rooms::member_id id) {
            if (id == skip)
                return;
            if (auto it = members_.find(id); it != members_.end())
                it->second->deliver(f);
        });
    }

private:
    rooms::registry registry_;
    std::unordered_map<rooms::member_id, plain_member*> members_;
    rooms::member_id next_ = 1;
};

} // namespace imedge::server
