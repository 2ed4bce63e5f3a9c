// Who may change a group's membership: the rules of store::group_op as one pure decision, so
// they are tested without a database and every store applies the same ones.
#pragma once

#include "store.hpp"

#include <cstddef>
#include <optional>

namespace imedge::store {

/// What the store knows about a group and the two users when a change arrives.
struct group_facts {
    bool backend = false;       // the actor is the backend (the HTTP API), not a user
    std::optional<role> actor;  // the actor's role; nullopt when not a member
    std::optional<role> target; // the target's role (join/leave: the actor's); nullopt: none
    group_access access = group_access::invite_only;
    bool invited = false; // join: the actor holds an invitation
    std::size_t members = 0;
    std::size_t cap = 0;
};

/// What to do to the group when a change is allowed.
enum class group_effect : std::uint8_t {
    none,      // allowed, and already so (a member joining again, inviting a member, ...)
    add,       // the target (join: the actor) becomes a member
    remove,    // the target (leave: the actor) stops being a member
    invite,    // the target gets an invitation
    set_role,  // the target's role becomes the requested one
    hand_over, // the target becomes the owner; the owner becomes an admin
};

struct group_decision {
    status code = status::ok; // ok, or why not (forbidden, not_member, not_invited, ...)
    group_effect effect = group_effect::none;
};

group_decision decide(group_op op, role new_role, const group_facts& facts);

} // namespace imedge::store
