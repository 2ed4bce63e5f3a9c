// The membership rules of groups (store.hpp, group_op).
#include "group_rules.hpp"

namespace imedge::store {
namespace {

// A lower role value is a higher rank (owner < admin < member).
bool outranks(role a, role b) {
    return static_cast<int>(a) < static_cast<int>(b);
}

group_decision refuse(status s) {
    return {s, group_effect::none};
}

group_decision allow(group_effect e) {
    return {status::ok, e};
}

group_decision decide_role(role new_role, const group_facts& f) {
    if (!f.target)
        return refuse(status::not_member);
    const bool by_owner = f.backend || f.actor == role::owner;
    if (new_role == role::owner) {
        if (!by_owner)
            return refuse(status::forbidden);
        return allow(*f.target == role::owner ? group_effect::none : group_effect::hand_over);
    }
    if (*f.target == role::owner) // stepping down is handing over
        return refuse(by_owner ? status::owner_must_hand_over : status::forbidden);
    // An admin may only raise a member to its own rank; the owner sets anyone else's role.
    if (!by_owner && !(*f.target == role::member && new_role == role::admin))
        return refuse(status::forbidden);
    return allow(*f.target == new_role ? group_effect::none : group_effect::set_role);
}

} // namespace

group_decision decide(group_op op, role new_role, const group_facts& f) {
    switch (op) {
    case group_op::join:
        if (f.backend)
            return refuse(status::forbidden); // the backend adds users instead
        if (f.target)
            return allow(group_effect::none);
        if (f.access != group_access::open && !f.invited)
            return refuse(status::not_invited);
        if (f.members >= f.cap)
            return refuse(status::group_full);
        return allow(group_effect::add);
    case group_op::leave:
        if (f.backend)
            return refuse(status::forbidden);
        if (!f.target)
            return refuse(status::not_member);
        if (*f.target == role::owner && f.members > 1)
            return refuse(status::owner_must_hand_over);
        return allow(group_effect::remove);
    default:
        break;
    }
    // The rest are an owner's or an admin's (or the backend's).
    if (!f.backend) {
        if (!f.actor)
            return refuse(status::not_member);
        if (*f.actor == role::member)
            return refuse(status::forbidden);
    }
    switch (op) {
    case group_op::invite:
        return allow(f.target ? group_effect::none : group_effect::invite);
    case group_op::add:
        if (f.target)
            return allow(group_effect::none);
        if (f.members >= f.cap)
            return refuse(status::group_full);
        return allow(group_effect::add);
    case group_op::remove:
        if (!f.target)
            return refuse(status::not_member);
        if (*f.target == role::owner || (!f.backend && !outranks(*f.actor, *f.target)))
            return refuse(status::forbidden);
        return allow(group_effect::remove);
    case group_op::set_role:
        return decide_role(new_role, f);
    default:
        return refuse(status::forbidden);
    }
}

} // namespace imedge::store
