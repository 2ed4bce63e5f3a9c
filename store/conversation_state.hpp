// What a store's writer holds of one conversation while it writes to it: the row's fields and
// the members with their roles. The same for the SQLite and the PostgreSQL writer; each loads
// it with its own SQL.
#pragma once

#include "group_rules.hpp"
#include "store.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace imedge::store {

struct conversation_state {
    bool exists = false;
    bool group = false;
    group_access access = group_access::invite_only;
    std::size_t cap = 0;
    std::uint64_t last_seq = 0;
    bool dirty = false; // PostgreSQL: last_seq moved in this transaction (SQLite keeps no flag)
    std::map<std::string, role, std::less<>> roles;
    std::shared_ptr<const std::vector<std::string>> users; // rebuilt on membership change

    /// Rebuilds `users` from `roles` (a feed entry shares it with the entries before).
    void refresh_users() {
        auto list = std::make_shared<std::vector<std::string>>();
        list->reserve(roles.size());
        for (const auto& [user, r] : roles)
            list->push_back(user);
        users = std::move(list);
    }
    std::vector<member> member_list() const {
        std::vector<member> out;
        out.reserve(roles.size());
        for (const auto& [user, r] : roles)
            out.push_back({user, r});
        return out;
    }
    std::optional<role> role_of(const std::string& user) const {
        auto it = roles.find(user);
        return it == roles.end() ? std::nullopt : std::optional<role>(it->second);
    }
    /// What group_rules decides change `c` on, acting on `target`; `invited` is left to the
    /// writer, which looks it up.
    group_facts facts_for(const group_change& c, const std::string& target) const {
        group_facts f;
        f.backend = c.actor.empty();
        if (!f.backend)
            f.actor = role_of(c.actor);
        f.target = role_of(target);
        f.access = access;
        f.members = roles.size();
        f.cap = cap;
        return f;
    }
};

} // namespace imedge::store
