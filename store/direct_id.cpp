// Conversation ids and the wire names of store codes.
#include "store.hpp"

#include <array>

namespace imedge::store {

const char* error_name(status s) {
    static constexpr std::array<const char*, 8> names = {
        "ok",        "not_member",  "no_such_conversation", "group_full",
        "forbidden", "not_invited", "owner_must_hand_over", "store_unavailable"};
    return names.at(static_cast<std::size_t>(s));
}

const char* role_name(role r) {
    static constexpr std::array<const char*, 3> names = {"owner", "admin", "member"};
    return names.at(static_cast<std::size_t>(r));
}

bool parse_role(std::string_view name, role& out) {
    for (auto r : {role::owner, role::admin, role::member}) {
        if (name == role_name(r)) {
            out = r;
            return true;
        }
    }
    return false;
}

std::string direct_id(std::string_view a, std::string_view b) {
    if (b < a)
        std::swap(a, b);
    std::string id = "d:";
    id.append(a).append(":").append(b);
    return id;
}

bool direct_members(std::string_view id, std::string& a, std::string& b) {
    if (!id.starts_with("d:"))
        return false;
    id.remove_prefix(2);
    auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == id.size())
        return false;
    if (id.find(':', colon + 1) != std::string_view::npos)
        return false;
    a = std::string(id.substr(0, colon));
    b = std::string(id.substr(colon + 1));
    return a <= b; // the canonical order only: one id per pair
}

} // namespace imedge::store
