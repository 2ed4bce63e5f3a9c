// The group membership rules as a table: every operation by the owner, an admin, a member, an
// outsider and the backend, on each kind of target.
#include "store/group_rules.hpp"

#include <doctest.h>

#include <optional>

using namespace imedge::store;

namespace {

constexpr auto an_owner = role::owner;
constexpr auto an_admin = role::admin;
constexpr auto a_member = role::member;
const std::optional<role> none;

group_facts facts(std::optional<role> actor, std::optional<role> target, std::size_t members = 3,
                  std::size_t cap = 10) {
    group_facts f;
    f.actor = actor;
    f.target = target;
    f.members = members;
    f.cap = cap;
    return f;
}

group_facts backend(std::optional<role> target) {
    auto f = facts(none, target);
    f.backend = true;
    return f;
}

status code(group_op op, const group_facts& f, role new_role = a_member) {
    return decide(op, new_role, f).code;
}

group_effect effect(group_op op, const group_facts& f, role new_role = a_member) {
    auto d = decide(op, new_role, f);
    REQUIRE(d.code == status::ok);
    return d.effect;
}

} // namespace

TEST_SUITE("store") {
    TEST_CASE("group rules: join needs an invitation or an open group, and room under the cap") {
        auto outsider = facts(none, none);
        CHECK(code(group_op::join, outsider) == status::not_invited);
        outsider.invited = true;
        CHECK(effect(group_op::join, outsider) == group_effect::add);
        outsider.invited = false;
        outsider.access = group_access::open;
        CHECK(effect(group_op::join, outsider) == group_effect::add);
        outsider.members = outsider.cap;
        CHECK(code(group_op::join, outsider) == status::group_full);
        CHECK(effect(group_op::join, facts(a_member, a_member)) == group_effect::none);
        CHECK(code(group_op::join, backend(none)) == status::forbidden);
    }

    TEST_CASE("group rules: the owner leaves only when alone") {
        CHECK(effect(group_op::leave, facts(a_member, a_member)) == group_effect::remove);
        CHECK(effect(group_op::leave, facts(an_admin, an_admin)) == group_effect::remove);
        CHECK(code(group_op::leave, facts(an_owner, an_owner)) == status::owner_must_hand_over);
        CHECK(effect(group_op::leave, facts(an_owner, an_owner, 1)) == group_effect::remove);
        CHECK(code(group_op::leave, facts(none, none)) == status::not_member);
    }

    TEST_CASE("group rules: only an owner or an admin invites and adds") {
        for (auto op : {group_op::invite, group_op::add}) {
            CAPTURE(static_cast<int>(op));
            CHECK(code(op, facts(a_member, none)) == status::forbidden);
            CHECK(code(op, facts(none, none)) == status::not_member);
            CHECK(code(op, facts(an_owner, none)) == status::ok);
            CHECK(code(op, facts(an_admin, none)) == status::ok);
            CHECK(code(op, backend(none)) == status::ok);
            CHECK(effect(op, facts(an_admin, a_member)) == group_effect::none); // already in
        }
        CHECK(effect(group_op::invite, facts(an_admin, none)) == group_effect::invite);
        CHECK(effect(group_op::add, facts(an_admin, none)) == group_effect::add);
        CHECK(code(group_op::add, facts(an_owner, none, 10, 10)) == status::group_full);
        CHECK(code(group_op::add, [] {
                  auto f = backend(none);
                  f.members = f.cap;
                  return f;
              }()) == status::group_full);
        // An invitation takes no place: the cap is checked when it is used.
        CHECK(effect(group_op::invite, facts(an_owner, none, 10, 10)) == group_effect::invite);
    }

    TEST_CASE("group rules: remove acts only on a lower rank, never on the owner") {
        CHECK(effect(group_op::remove, facts(an_owner, an_admin)) == group_effect::remove);
        CHECK(effect(group_op::remove, facts(an_owner, a_member)) == group_effect::remove);
        CHECK(effect(group_op::remove, facts(an_admin, a_member)) == group_effect::remove);
        CHECK(code(group_op::remove, facts(an_admin, an_admin)) == status::forbidden);
        CHECK(code(group_op::remove, facts(an_admin, an_owner)) == status::forbidden);
        CHECK(code(group_op::remove, facts(an_owner, an_owner)) ==
              status::forbidden); // leave instead
        CHECK(code(group_op::remove, facts(a_member, a_member)) == status::forbidden);
        CHECK(code(group_op::remove, facts(an_owner, none)) == status::not_member);
        CHECK(effect(group_op::remove, backend(an_admin)) == group_effect::remove);
        CHECK(code(group_op::remove, backend(an_owner)) == status::forbidden);
    }

    TEST_CASE("group rules: roles; an admin only raises members; the owner hands over") {
        auto set = group_op::set_role;
        CHECK(effect(set, facts(an_owner, a_member), an_admin) == group_effect::set_role);
        CHECK(effect(set, facts(an_owner, an_admin), a_member) == group_effect::set_role);
        CHECK(effect(set, facts(an_owner, an_admin), an_admin) == group_effect::none);
        CHECK(effect(set, facts(an_admin, a_member), an_admin) == group_effect::set_role);
        CHECK(code(set, facts(an_admin, an_admin), a_member) == status::forbidden);
        CHECK(code(set, facts(an_admin, a_member), a_member) == status::forbidden);
        CHECK(code(set, facts(a_member, a_member), an_admin) == status::forbidden);
        CHECK(code(set, facts(an_owner, none), an_admin) == status::not_member);
        CHECK(effect(set, facts(an_owner, a_member), an_owner) == group_effect::hand_over);
        CHECK(effect(set, facts(an_owner, an_owner), an_owner) == group_effect::none);
        CHECK(code(set, facts(an_admin, a_member), an_owner) == status::forbidden);
        CHECK(code(set, facts(an_owner, an_owner), an_admin) == status::owner_must_hand_over);
        CHECK(code(set, facts(an_admin, an_owner), a_member) == status::forbidden);
        CHECK(effect(set, backend(a_member), an_owner) == group_effect::hand_over);
        CHECK(code(set, backend(an_owner), a_member) == status::owner_must_hand_over);
    }
}
