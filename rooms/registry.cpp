// Shard-local room registry.
#include "registry.hpp"

#include <algorithm>

namespace imedge::rooms {

void registry::join(member_id member, std::string_view room) {
    auto& rooms = rooms_[member];
    if (std::find(rooms.begin(), rooms.end(), room) != rooms.end())
        return;
    rooms.emplace_back(room);
    auto it = members_.find(room);
    if (it == members_.end())
        it = members_.emplace(std::string(room), std::unordered_set<member_id>{}).first;
    it->second.insert(member);
}

void registry::leave(member_id member, std::string_view room) {
    auto r = rooms_.find(member);
    if (r == rooms_.end())
        return;
    auto& rooms = r->second;
    auto pos = std::find(rooms.begin(), rooms.end(), room);
    if (pos == rooms.end())
        return;
    rooms.erase(pos);
    if (auto it = members_.find(room); it != members_.end()) {
        it->second.erase(member);
        if (it->second.empty())
            members_.erase(it);
    }
    if (rooms.empty())
        rooms_.erase(r);
}

void registry::leave_all(member_id member) {
    auto r = rooms_.find(member);
    if (r == rooms_.end())
        return;
    for (const auto& room : r->second) {
        if (auto it = members_.find(room); it != members_.end()) {
            it->second.erase(member);
            if (it->second.empty())
                members_.erase(it);
        }
    }
    rooms_.erase(r);
}

std::vector<std::string> registry::rooms_of(member_id member) const {
    auto r = rooms_.find(member);
    return r == rooms_.end() ? std::vector<std::string>{} : r->second;
}

std::size_t registry::size_of(std::string_view room) const {
    auto it = members_.find(room);
    return it == members_.end() ? 0 : it->second.size();
}

std::unordered_set<member_id> registry::excluded_by(const broadcast_filter& filter) const {
    std::unordered_set<member_id> excluded;
    for (const auto& room : filter.except)
        if (auto it = members_.find(room); it != members_.end())
            excluded.insert(it->second.begin(), it->second.end());
    return excluded;
}

} // namespace imedge::rooms
