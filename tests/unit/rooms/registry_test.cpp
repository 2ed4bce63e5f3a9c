// Room registry semantics with plain member ids (socket.io-adapter's in-memory adapter rules).
#include "rooms/registry.hpp"

#include <doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>

using imedge::rooms::broadcast_filter;
using imedge::rooms::join_status;
using imedge::rooms::member_id;
using registry = imedge::rooms::registry<member_id>;

namespace {
std::multiset<member_id> reached(const registry& r, const broadcast_filter& f) {
    std::multiset<member_id> out;
    r.for_each_member(f, [&](member_id m) { out.insert(m); });
    return out;
}
} // namespace

TEST_SUITE("rooms") {

    TEST_CASE("join, leave and rooms_of keep both maps in step") {
        registry r;
        r.join(1, "a");
        r.join(1, "b");
        r.join(1, "a"); // twice is once
        r.join(2, "a");
        CHECK(r.rooms_of(1) == std::vector<std::string>{"a", "b"});
        CHECK(r.size_of("a") == 2);
        CHECK(r.room_count() == 2);
        r.leave(1, "a");
        r.leave(1, "zzz"); // not a member: no-op
        r.leave(9, "a");   // unknown member: no-op
        CHECK(r.rooms_of(1) == std::vector<std::string>{"b"});
        CHECK(r.size_of("a") == 1);
        r.leave(1, "b");
        CHECK_FALSE(r.contains(1)); // no rooms left: forgotten
        CHECK(r.room_count() == 1); // empty rooms are dropped
        r.leave_all(2);
        CHECK(r.room_count() == 0);
        CHECK(r.member_count() == 0);
    }

    TEST_CASE("broadcast filters: everyone, rooms, union without duplicates, except") {
        registry r;
        for (member_id m = 1; m <= 6; ++m)
            r.join(m, "sid" + std::to_string(m));
        r.join(1, "red");
        r.join(2, "red");
        r.join(2, "blue");
        r.join(3, "blue");
        SUBCASE("everyone") {
            CHECK(reached(r, {}) == std::multiset<member_id>{1, 2, 3, 4, 5, 6});
        }
        SUBCASE("one room") {
            CHECK(reached(r, {{"red"}, {}}) == std::multiset<member_id>{1, 2});
        }
        SUBCASE("two rooms: member 2 reached once") {
            CHECK(reached(r, {{"red", "blue"}, {}}) == std::multiset<member_id>{1, 2, 3});
        }
        SUBCASE("except a sid") {
            CHECK(reached(r, {{"red"}, {"sid1"}}) == std::multiset<member_id>{2});
        }
        SUBCASE("everyone except a room") {
            CHECK(reached(r, {{}, {"blue"}}) == std::multiset<member_id>{1, 4, 5, 6});
        }
        SUBCASE("unknown room reaches nobody") {
            CHECK(reached(r, {{"green"}, {}}).empty());
        }
    }

    TEST_CASE("random operations agree with a simple model, transitions included") {
        constexpr std::size_t cap = 9;
        registry r(cap);
        std::map<member_id, std::set<std::string>> model;
        auto model_size = [&](const std::string& room) {
            std::size_t n = 0;
            for (auto& [m, rooms] : model)
                n += rooms.count(room);
            return n;
        };
        std::mt19937 rng(7);
        for (int step = 0; step < 20000; ++step) {
            member_id m = rng() % 40;
            std::string room = "r" + std::to_string(rng() % 12);
            switch (rng() % 4) {
            case 0:
            case 1: {
                bool known = model.count(m) != 0;
                bool member = known && model[m].count(room) != 0;
                bool full = known && model[m].size() >= cap;
                bool first_in_room = model_size(room) == 0;
                auto got = r.join(m, room);
                if (member) {
                    CHECK(got.status == join_status::already_member);
                } else if (full) {
                    CHECK(got.status == join_status::refused);
                } else {
                    CHECK(got.status == join_status::joined);
                    CHECK(got.first_in_room == first_in_room);
                    CHECK(got.first_room_of_member == !known);
                    model[m].insert(room);
                }
                if (got.status != join_status::joined) {
                    CHECK_FALSE(got.first_in_room);
                    CHECK_FALSE(got.first_room_of_member);
                }
                break;
            }
            case 2: {
                bool member = model.count(m) && model[m].count(room);
                auto got = r.leave(m, room);
                CHECK(got.left == member);
                if (member) {
                    model[m].erase(room);
                    CHECK(got.room_now_empty == (model_size(room) == 0));
                    CHECK(got.member_now_in_no_room == model[m].empty());
                    if (model[m].empty())
                        model.erase(m);
                } else {
                    CHECK_FALSE(got.room_now_empty);
                    CHECK_FALSE(got.member_now_in_no_room);
                }
                break;
            }
            case 3:
                if (rng() % 8 == 0) {
                    std::set<std::string> expected_emptied;
                    if (model.count(m))
                        for (auto& room_of_m : model[m])
                            if (model_size(room_of_m) == 1)
                                expected_emptied.insert(room_of_m);
                    auto emptied = r.leave_all(m);
                    CHECK(std::set<std::string>(emptied.begin(), emptied.end()) ==
                          expected_emptied);
                    model.erase(m);
                }
                break;
            }
            CHECK(r.contains(m) == (model.count(m) != 0));
            CHECK(r.in_room(m, room) == (model.count(m) && model[m].count(room)));
        }
        CHECK(r.member_count() == model.size());
        for (int room = 0; room < 12; ++room) {
            std::string name = "r" + std::to_string(room);
            std::multiset<member_id> expected;
            for (auto& [m, rooms] : model)
                if (rooms.count(name))
                    expected.insert(m);
            CHECK(reached(r, {{name}, {}}) == expected);
        }
        for (auto& [m, rooms] : model) {
            auto got = r.rooms_of(m);
            CHECK(std::set<std::string>(got.begin(), got.end()) == rooms);
        }
    }

    TEST_CASE("join and leave report the membership edges; the cap refuses, nothing changes") {
        registry r(3);
        auto j = r.join(1, "a");
        CHECK(j.joined());
        CHECK(j.first_in_room);
        CHECK(j.first_room_of_member);
        j = r.join(2, "a");
        CHECK(j.joined());
        CHECK_FALSE(j.first_in_room);
        CHECK(j.first_room_of_member);
        CHECK(r.join(1, "a").status == join_status::already_member);
        CHECK(r.join(1, "b").joined());
        CHECK(r.join(1, "c").joined());
        CHECK(r.join(1, "d").status == join_status::refused); // three rooms is the cap
        CHECK_FALSE(r.in_room(1, "d"));
        CHECK(r.size_of("d") == 0);
        CHECK(r.room_count() == 3);

        auto l = r.leave(1, "a");
        CHECK(l.left);
        CHECK_FALSE(l.room_now_empty); // 2 is still there
        CHECK_FALSE(l.member_now_in_no_room);
        l = r.leave(2, "a");
        CHECK(l.room_now_empty);
        CHECK(l.member_now_in_no_room);
        CHECK(r.join(1, "d").joined()); // room again under the cap
        CHECK(r.rooms_of(1) == std::vector<std::string>{"b", "c", "d"});
        auto emptied = r.leave_all(1);
        CHECK(std::set<std::string>(emptied.begin(), emptied.end()) ==
              std::set<std::string>{"b", "c", "d"});
        CHECK(r.room_count() == 0);
    }

    TEST_CASE("members can be pointers: the registry holds them, no id map beside it") {
        struct peer {
            std::string name;
        };
        peer a{"a"}, b{"b"};
        imedge::rooms::registry<peer*> r;
        r.join(&a, "room");
        r.join(&b, "room");
        std::set<std::string> names;
        r.for_each_member({{"room"}, {}}, [&](peer* p) { names.insert(p->name); });
        CHECK(names == std::set<std::string>{"a", "b"});
    }

    TEST_CASE("membership stays O(1): 40,000 rooms for one member, joined and left") {
        registry r(50000);
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < 40000; ++i)
            REQUIRE(r.join(1, "room" + std::to_string(i)).joined());
        for (int i = 0; i < 40000; ++i)
            REQUIRE(r.join(1, "room" + std::to_string(i)).status == join_status::already_member);
        for (int i = 0; i < 40000; i += 2)
            REQUIRE(r.leave(1, "room" + std::to_string(i)).left);
        auto elapsed = std::chrono::steady_clock::now() - start;
        CHECK(r.rooms_of(1).size() == 20000);
        // A scan of the member's rooms per join took seconds here; hashing takes milliseconds.
        // The bound is generous for sanitizers and a loaded machine.
        CHECK(elapsed < std::chrono::seconds(2));
    }
}
