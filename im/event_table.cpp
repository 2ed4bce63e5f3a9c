// The IM event table.
#include "event_table.hpp"

#include <algorithm>
#include <array>

namespace imedge::im {
namespace {

using server::event;
using store::group_op;

constexpr std::array events{
    im_event{"auth.refresh", [](shard_service& s, event& e) { s.refresh(e); }},
    im_event{"sync", [](shard_service& s, event& e) { s.sync(e); }},
    im_event{"send", [](shard_service& s, event& e) { s.send(e); }},
    im_event{"edit", [](shard_service& s, event& e) { s.edit(e, "edit"); }},
    im_event{"delete", [](shard_service& s, event& e) { s.edit(e, "delete"); }},
    im_event{"history", [](shard_service& s, event& e) { s.history(e); }},
    im_event{"conversations", [](shard_service& s, event& e) { s.conversations(e); }},
    im_event{"group.create", [](shard_service& s, event& e) { s.group_create(e); }},
    im_event{"group.join", [](shard_service& s, event& e) { s.group_manage(e, group_op::join); }},
    im_event{"group.leave", [](shard_service& s, event& e) { s.group_manage(e, group_op::leave); }},
    im_event{"group.invite",
             [](shard_service& s, event& e) { s.group_manage(e, group_op::invite); }},
    im_event{"group.add", [](shard_service& s, event& e) { s.group_manage(e, group_op::add); }},
    im_event{"group.remove",
             [](shard_service& s, event& e) { s.group_manage(e, group_op::remove); }},
    im_event{"group.role",
             [](shard_service& s, event& e) { s.group_manage(e, group_op::set_role); }},
    im_event{"group.members", [](shard_service& s, event& e) { s.group_members(e); }},
    im_event{"delivered", [](shard_service& s, event& e) { s.receipt(e, "delivered"); }},
    im_event{"read", [](shard_service& s, event& e) { s.receipt(e, "read"); }},
    im_event{"typing", [](shard_service& s, event& e) { s.typing(e); }},
    im_event{"presence", [](shard_service& s, event& e) { s.presence(e); }},
};

} // namespace

std::span<const im_event> im_events() {
    return events;
}

const im_event* find_im_event(std::string_view name) {
    auto it = std::find_if(events.begin(), events.end(),
                           [&](const im_event& e) { return e.name == name; });
    return it == events.end() ? nullptr : &*it;
}

} // namespace imedge::im
