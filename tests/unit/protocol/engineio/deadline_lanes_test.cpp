// Deadline lanes with time as a value: ordering, earliest-deadline hints, due entries only.
#include "protocol/engineio/deadline_lanes.hpp"

#include <doctest.h>

#include <vector>

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using lanes_type = imedge::protocol::engineio::deadline_lanes<int, 3>;

TEST_SUITE("protocol") {

    TEST_CASE("entries come out when due, in deadline order per lane, and not before") {
        lanes_type lanes({100ms, 30ms, 500ms});
        auto t0 = clock_type::time_point{} + 1h;
        CHECK(lanes.next() == clock_type::time_point::max());

        auto [due_a, first_a] = lanes.push(0, 1, t0);
        CHECK(due_a == t0 + 100ms);
        CHECK(first_a);
        auto [due_b, first_b] = lanes.push(0, 2, t0 + 10ms);
        CHECK_FALSE(first_b);        // a busy lane never brings the earliest deadline forward
        lanes.push(1, 3, t0 + 20ms); // due at t0 + 50ms: the earliest of all
        lanes.push(2, 4, t0);
        CHECK(lanes.next() == t0 + 50ms);
        CHECK(lanes.size() == 4);

        std::vector<std::pair<std::size_t, int>> fired;
        auto record = [&](std::size_t lane, int&& e) { fired.emplace_back(lane, e); };
        CHECK(lanes.pop_due(t0 + 49ms, record) == 0);
        CHECK(lanes.pop_due(t0 + 105ms, record) == 2);
        CHECK(fired == std::vector<std::pair<std::size_t, int>>{{0, 1}, {1, 3}});
        CHECK(lanes.next() == t0 + 110ms);
        CHECK(lanes.pop_due(t0 + 1s, record) == 2);
        CHECK(fired.back() == std::pair<std::size_t, int>{2, 4});
        CHECK(lanes.size() == 0);
    }

    TEST_CASE("many sessions: cost is one entry each and every deadline fires once") {
        lanes_type lanes({25s, 20s, 45s});
        auto t0 = clock_type::time_point{} + 1h;
        for (int i = 0; i < 100000; ++i)
            lanes.push(static_cast<std::size_t>(i % 3), i, t0 + std::chrono::microseconds(i));
        std::size_t fired = 0;
        int last_in_lane[3] = {-1, -1, -1};
        bool ordered = true;
        lanes.pop_due(t0 + 1h, [&](std::size_t lane, int&& e) {
            ordered = ordered && e > last_in_lane[lane];
            last_in_lane[lane] = e;
            ++fired;
        });
        CHECK(fired == 100000);
        CHECK(ordered);
    }
}
