// The per-shard token deadlines: earliest first, re-arming replaces, cancel forgets, and the
// "new earliest" answer that tells the service to move its one timer.
#include "im/token_deadlines.hpp"

#include <doctest.h>

#include <cstdint>
#include <map>
#include <random>

using imedge::im::token_deadlines;

TEST_SUITE("im") {
    TEST_CASE("token deadlines: due sids come out earliest first, once") {
        token_deadlines d;
        CHECK(!d.next());
        CHECK(d.arm("b", 200));
        CHECK(!d.arm("c", 300));
        CHECK(d.arm("a", 100));
        CHECK(d.next() == 100);
        CHECK(d.take_due(99).empty());
        CHECK(d.take_due(200) == std::vector<std::string>{"a", "b"});
        CHECK(d.take_due(200).empty());
        CHECK(d.next() == 300);
        CHECK(d.size() == 1);
    }

    TEST_CASE("token deadlines: a refresh re-arms, a disconnect cancels") {
        token_deadlines d;
        d.arm("a", 100);
        d.arm("b", 150);
        CHECK(!d.arm("a", 500)); // refreshed: later, so b is the earliest now
        CHECK(d.next() == 150);
        CHECK(d.take_due(400) == std::vector<std::string>{"b"});
        CHECK(d.arm("a", 50)); // re-armed earlier: the timer must move forward
        d.cancel("a");
        d.cancel("never armed");
        CHECK(!d.next());
        CHECK(d.size() == 0);
        CHECK(d.take_due(1000).empty());
    }

    TEST_CASE("token deadlines: same deadline for several sids; random arms match a model") {
        token_deadlines d;
        std::map<std::string, std::int64_t> model;
        std::mt19937 rng(7);
        for (int step = 0; step < 5000; ++step) {
            auto sid = "s" + std::to_string(rng() % 50);
            auto at = static_cast<std::int64_t>(rng() % 100);
            switch (rng() % 3) {
            case 0: {
                // "Earliest" orders by time, then sid: the answer must match that exactly.
                std::pair<std::int64_t, std::string> least{INT64_MAX, ""};
                for (auto& [s, t] : model)
                    if (s != sid)
                        least = std::min(least, std::pair{t, s});
                bool first = d.arm(sid, at);
                model[sid] = at;
                CHECK(first == (std::pair{at, sid} < least));
                break;
            }
            case 1:
                d.cancel(sid);
                model.erase(sid);
                break;
            default: {
                auto now = static_cast<std::int64_t>(rng() % 100);
                auto due = d.take_due(now);
                std::int64_t last = INT64_MIN;
                for (auto& s : due) {
                    REQUIRE(model.count(s) == 1);
                    CHECK(model[s] <= now);
                    CHECK(model[s] >= last);
                    last = model[s];
                    model.erase(s);
                }
                for (auto& [s, t] : model)
                    CHECK(t > now);
            }
            }
            CHECK(d.size() == model.size());
        }
    }
}
