// Group writes of the PostgreSQL store (creation and membership changes), on its writer thread
// inside the open transaction (the group's row locked); the rules are group_rules.cpp's.
#include "group_rules.hpp"
#include "pg_writer.hpp"

#include <algorithm>

namespace imedge::store {

group_result pg_writer_db::create_group(const std::string& id, const std::string& owner,
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
    db().exec(
        "INSERT INTO conversations(id, kind, title, cap, last_seq, open) VALUES ($1, 'group', "
        "$2, $3, 0, $4)",
        id, title, static_cast<std::uint64_t>(cap), open);
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

group_result pg_writer_db::change_group(const group_change& c) {
    auto& s = load(c.group);
    if (!s.exists || !s.group)
        return {status::no_such_conversation, c.group, {}, false};
    const bool self = c.op == group_op::join || c.op == group_op::leave;
    const std::string& target = self ? c.actor : c.target;
    auto facts = s.facts_for(c, target);
    if (c.op == group_op::join && !facts.backend && !facts.target) {
        facts.invited =
            db().exec("SELECT 1 FROM invitations WHERE conversation = $1 AND user_id = $2", c.group,
                      c.actor)
                .rows() > 0;
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
        db().exec("DELETE FROM invitations WHERE conversation = $1 AND user_id = $2", c.group,
                  target);
        break;
    case group_effect::remove:
        remove_member(c.group, s, target);
        break;
    case group_effect::invite:
        db().exec("INSERT INTO invitations VALUES ($1, $2, $3) ON CONFLICT (conversation, user_id) "
                  "DO UPDATE SET by_user = excluded.by_user",
                  c.group, target, c.actor);
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
