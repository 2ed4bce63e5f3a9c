// Room membership of one shard: room -> members and member -> rooms, generic over the member
// (a Socket.IO socket, a plain WebSocket peer, a plain id in tests), held directly. Only the
// owning shard's thread touches an instance, so it needs no locks (socket.io-adapter's
// in-memory adapter; join/leave report the membership edges the way uWS TopicTree does).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace imedge::rooms {

/// A member named by a plain number (tests, and whoever has no better handle).
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

/// Rooms one member may be in at most (its own sid room included), unless configured.
inline constexpr std::size_t default_max_rooms_per_member = 10000;

enum class join_status : std::uint8_t {
    joined,
    already_member, // nothing changed
    refused,        // the member is in max_rooms_per_member rooms already; nothing changed
};

/// What a join changed: the member's first room (it is now known), the room's first member.
struct join_result {
    join_status status = join_status::already_member;
    bool first_in_room = false;
    bool first_room_of_member = false;
    bool joined() const { return status == join_status::joined; }
};

/// What a leave changed: the room is now empty (and forgotten), the member is in no room.
struct leave_result {
    bool left = false;
    bool room_now_empty = false;
    bool member_now_in_no_room = false;
};

/// Cost: join/leave/contains O(1) expected (no scan of the member's rooms); leave_all O(rooms
/// of the member); rooms_of O(k log k) for k rooms; for_each_member O(reached + excluded).
/// `Member` is a small value (a pointer, an id) hashed by `Hash`; the caller keeps a member
/// alive while it is in a room and calls leave_all before it goes.
template <class Member, class Hash = std::hash<Member>> class registry {
public:
    explicit registry(std::size_t max_rooms_per_member = default_max_rooms_per_member)
        : max_rooms_(max_rooms_per_member) {}

    /// Adds `member` to `room`; joining twice is a no-op; past the cap it is refused.
    join_result join(Member member, std::string_view room) {
        auto [m, new_member] = rooms_.try_emplace(member);
        auto& mine = m->second;
        if (!new_member && mine.rooms.contains(room))
            return {join_status::already_member};
        if (mine.rooms.size() >= max_rooms_) {
            if (new_member)
                rooms_.erase(m);
            return {join_status::refused};
        }
        join_result result{join_status::joined};
        auto r = members_.find(room);
        if (r == members_.end()) {
            r = members_.emplace(std::string(room), member_set{}).first;
            result.first_in_room = true;
        }
        r->second.insert(member);
        // The member's key views the room's key: map nodes do not move, and the room lives as
        // long as it has a member.
        mine.rooms.emplace(std::string_view(r->first), mine.next_order++);
        result.first_room_of_member = mine.rooms.size() == 1;
        return result;
    }

    /// Removes `member` from `room`; leaving a room one is not in is a no-op.
    leave_result leave(Member member, std::string_view room) {
        auto m = rooms_.find(member);
        if (m == rooms_.end())
            return {};
        auto it = m->second.rooms.find(room);
        if (it == m->second.rooms.end())
            return {};
        m->second.rooms.erase(it); // before the room: its key is a view of the room's
        leave_result result{true};
        if (auto r = members_.find(room); r != members_.end()) {
            r->second.erase(member);
            if (r->second.empty()) {
                members_.erase(r);
                result.room_now_empty = true;
            }
        }
        if (m->second.rooms.empty()) {
            rooms_.erase(m);
            result.member_now_in_no_room = true;
        }
        return result;
    }

    /// Removes `member` from every room (on disconnect); returns the rooms that became empty.
    std::vector<std::string> leave_all(Member member) {
        std::vector<std::string> emptied;
        auto m = rooms_.find(member);
        if (m == rooms_.end())
            return emptied;
        for (const auto& [room, order] : m->second.rooms) {
            auto r = members_.find(room);
            if (r == members_.end())
                continue;
            r->second.erase(member);
            if (r->second.empty()) {
                emptied.emplace_back(room);
                members_.erase(r); // `room` dangles from here on; it is not used again
            }
        }
        rooms_.erase(m);
        return emptied;
    }

    /// The rooms of `member`, in the order it joined them.
    std::vector<std::string> rooms_of(Member member) const {
        auto m = rooms_.find(member);
        if (m == rooms_.end())
            return {};
        std::vector<std::pair<std::uint64_t, std::string_view>> ordered;
        ordered.reserve(m->second.rooms.size());
        for (const auto& [room, order] : m->second.rooms)
            ordered.emplace_back(order, room);
        std::sort(ordered.begin(), ordered.end());
        std::vector<std::string> out;
        out.reserve(ordered.size());
        for (const auto& [order, room] : ordered)
            out.emplace_back(room);
        return out;
    }
    bool contains(Member member) const { return rooms_.contains(member); }
    bool in_room(Member member, std::string_view room) const {
        auto m = rooms_.find(member);
        return m != rooms_.end() && m->second.rooms.contains(room);
    }
    std::size_t member_count() const { return rooms_.size(); }
    std::size_t room_count() const { return members_.size(); }
    std::size_t size_of(std::string_view room) const {
        auto it = members_.find(room);
        return it == members_.end() ? 0 : it->second.size();
    }
    std::size_t max_rooms_per_member() const { return max_rooms_; }

    /// Calls f(member) once for every member `filter` reaches.
    template <class F> void for_each_member(const broadcast_filter& filter, F&& f) const {
        member_set excluded = excluded_by(filter);
        auto reach = [&](const Member& m) {
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
                for (const auto& m : it->second)
                    reach(m);
            return;
        }
        member_set seen;
        for (const auto& room : filter.rooms) {
            auto it = members_.find(room);
            if (it == members_.end())
                continue;
            for (const auto& m : it->second)
                if (seen.insert(m).second)
                    reach(m);
        }
    }

private:
    using member_set = std::unordered_set<Member, Hash>;
    struct member_rooms {
        // room (a view of members_'s key) -> join order, for rooms_of
        std::unordered_map<std::string_view, std::uint64_t, string_hash, std::equal_to<>> rooms;
        std::uint64_t next_order = 0;
    };

    member_set excluded_by(const broadcast_filter& filter) const {
        member_set excluded;
        for (const auto& room : filter.except)
            if (auto it = members_.find(room); it != members_.end())
                excluded.insert(it->second.begin(), it->second.end());
        return excluded;
    }

    std::size_t max_rooms_;
    std::unordered_map<std::string, member_set, string_hash, std::equal_to<>> members_;
    std::unordered_map<Member, member_rooms, Hash> rooms_;
};

} // namespace imedge::rooms
