// Room membership of one shard: room -> members and member -> rooms. Only the owning shard's
// thread touches an instance, so it needs no locks (socket.io-adapter's in-memory adapter,
// one per shard and namespace).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace imedge::rooms {

/// A member is a shard-local socket, named by a number the shard hands out.
using member_id = std::uint64_t;

/// Who an emit reaches: members of any of `rooms` (everyone when empty), minus members of any
/// of `except`. A socket id is also a room (every socket is in the room named after it).
struct broadcast_filter {
    std::vector<std::string> rooms;
    std::vector<std::string> except;
};

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

/// Cost: join/leave are O(1) expected; for_each_member is O(reached members + excluded members).
class registry {
public:
    /// Adds `member` to `room`; joining twice is a no-op.
    void join(member_id member, std::string_view room);
    /// Removes `member` from `room`; leaving a room one is not in is a no-op.
    void leave(member_id member, std::string_view room);
    /// Removes `member` from every room (on disconnect).
    void leave_all(member_id member);

    /// The rooms of `member`, in the order it joined them.
    std::vector<std::string> rooms_of(member_id member) const;
    bool contains(member_id member) const { return rooms_.contains(member); }
    std::size_t member_count() const { return rooms_.size(); }
    std::size_t room_count() const { return members_.size(); }
    std::size_t size_of(std::string_view room) const;

    /// Calls f(member_id) once for every member `filter` reaches.
    template <class F> void for_each_member(const broadcast_filter& filter, F&& f) const {
        std::unordered_set<member_id> excluded = excluded_by(filter);
        auto reach = [&](member_id m) {
            if (!excluded.contains(m))
                f(m);
        };
        if (filter.rooms.empty()) {
            for (const auto& [member, rooms] : rooms_)
                reach(member);
            return;
        }
        if (filter.rooms.size() == 1) {
            if (auto it = members_.find(filter.rooms.front()); it != members_.end())
                for (member_id m : it->second)
                    reach(m);
            return;
        }
        std::unordered_set<member_id> seen;
        for (const auto& room : filter.rooms) {
            auto it = members_.find(room);
            if (it == members_.end())
                continue;
            for (member_id m : it->second)
                if (seen.insert(m).second)
                    reach(m);
        }
    }

private:
    std::unordered_set<member_id> excluded_by(const broadcast_filter& filter) const;

    std::unordered_map<std::string, std::unordered_set<member_id>, string_hash, std::equal_to<>>
        members_;
    std::unordered_map<member_id, std::vector<std::string>> rooms_;
};

} // namespace imedge::rooms
