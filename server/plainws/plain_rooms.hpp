// Rooms for plain WebSocket peers on one shard (separate from Socket.IO's namespaces): members,
// their rooms, the open peers by id, and delivery of published messages. Shard-local; publishing to
// the other shards goes through the mesh as rooms::plain_broadcast.
#pragma once

#include "server/api/app.hpp"
#include "server/engineio/frame.hpp"

#include "rooms/registry.hpp"
#include "rooms/shard_message.hpp"

#include <functional>
#include <unordered_map>

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
    /// An open peer, found by id until forget_peer() (its destructor) runs.
    void add_peer(websocket_peer& p) { peers_.emplace(p.id(), &p); }
    void forget_peer(const websocket_peer& p) { peers_.erase(p.id()); }
    websocket_peer* find_peer(std::string_view id) const {
        auto it = peers_.find(id);
        return it == peers_.end() ? nullptr : it->second;
    }
    rooms::join_result join(plain_member& m, std::string_view room) {
        return registry_.join(&m, room);
    }
    rooms::leave_result leave(plain_member& m, std::string_view room) {
        return registry_.leave(&m, room);
    }

    /// Delivers to this shard's members of the rooms, once each, except `skip` and the members
    /// of room `m.skip`.
    void deliver(const rooms::plain_broadcast& m, const plain_member* skip = nullptr) {
        frame f{m.data, m.binary ? frame_kind::binary : frame_kind::text};
        rooms::broadcast_filter filter{m.rooms, {}};
        if (!m.skip.empty())
            filter.except.push_back(m.skip);
        registry_.for_each_member(filter, [&](plain_member* p) {
            if (p != skip)
                p->deliver(f);
        });
    }

private:
    rooms::registry<plain_member*> registry_;
    std::unordered_map<std::string, websocket_peer*, rooms::string_hash, std::equal_to<>> peers_;
};

} // namespace imedge::server
