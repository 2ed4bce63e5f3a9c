// Room registry semantics with plain member ids (socket.io-adapter's in-memory adapter rules).
#include "rooms/registry.hpp"

#include <doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

using imedge::rooms::broadcast_filter;
using imedge::rooms::member_id;
using imedge::rooms::registry;

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

    TEST_CASE("random operations agree with a simple model") {
        registry r;
        std::map<member_id, std::set<std::string>> model;
        std::mt19937 rng(7);
        for (int step = 0; step < 20000; ++step) {
            member_id m = rng() % 40;
            std::string room = "r" + std::to_string(rng() % 12);
            switch (rng() % 4) {
            case 0:
            case 1:
                r.join(m, room);
                model[m].insert(room);
                break;
            case 2:
                r.leave(m, room);
                if (model.count(m)) {
                    model[m].erase(room);
                    if (model[m].empty())
                        model.erase(m);
                }
                break;
            case 3:
                if (rng() % 8 == 0) {
                    r.leave_all(m);
                    model.erase(m);
                }
                break;
            }
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
}
