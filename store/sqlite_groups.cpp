// Group writes of the SQLite store (creation and membership changes), on its writer thread
// inside the open transaction; the rules themselves are group_rules.cpp's.
#include "group_rules.hpp"
#include "sqlite_writer.hpp"

#include <algorithm>

namespace imedge::store {

group_result writer_db::create_group(const std::string& id, const std::string& owner,
                                     const std::string& title,
                                     const std::vector<std::string>& members, std::size_t cap,
                                     group_access access) {
    auto& s = load(id);
    if (s.exists)
        return {status::forbidden, id, {}, false}; // an id collision: refuse, never merge
    std::vector<std::string> others;
    for (const auto& m : members)
        if (m != owner && std::find(others.begin(), others.end(), m) == others.end())
            others.push_back(m);
    if (others.size() + 1 > cap)
        return {status::group_full, id, {}, false};
    const bool open = access == group_access::open;
    insert_conversation_.bind(id, "group", title, cap, open ? 1 : 0).run();
    s.exists = true;
    s.group = true;
    s.access = access;
    s.cap = cap;
    add_member(id, s, owner, role::owner);
    for (const auto& m : others)
        add_member(id, s, m, role::member);
    s.refresh_users();
    return {status::ok, id, s.member_list(), true};
}

group_result writer_db::change_group(const group_change& c) {
    auto& s = load(c.group);
    if (!s.exists || !s.group)
        return {status::no_such_conversation, c.group, {}, false};
    const bool self = c.op == group_op::join || c.op == group_op::leave;
    const std::string& target = self ? c.actor : c.target;
    auto facts = s.facts_for(c, target);
    if (c.op == group_op::join && !facts.backend && !facts.target) {
        facts.invited = find_invitation_.bind(c.group, c.actor).step();
        find_invitation_.reset();
    }
    if (target.empty()) // the backend joining or leaving, or a change naming no one
        return {status::forbidden, c.group, {}, false};
    auto decision = decide(c.op, c.new_role, facts);
    if (decision.code != status::ok)
        return {decision.code, c.group, {}, false};
    switch (decision.effect) {
    case group_effect::none:
        break;
    case group_effect::add:
        add_member(c.group, s, target, role::member);
        delete_invitation_.bind(c.group, target).run();
        break;
    case group_effect::remove:
        remove_member(c.group, s, target);
        break;
    case group_effect::invite:
        insert_invitation_.bind(c.group, target, c.actor).run();
        break;
    case group_effect::set_role:
        add_member(c.group, s, target, c.new_role);
        break;
    case group_effect::hand_over:
        for (auto& [user, r] : s.roles)
            if (r == role::owner)
                add_member(c.group, s, std::string(user), role::admin);
        add_member(c.group, s, target, role::owner);
        break;
    }
    if (decision.effect == group_effect::add || decision.effect == group_effect::remove)
        s.refresh_users();
    return {status::ok, c.group, s.member_list(), decision.effect != group_effect::none};
}

} // namespace imedge::store
