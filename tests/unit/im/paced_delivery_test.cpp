// Catch-up pacing: what goes into the outbox when, the wait marks (never a busy loop), the
// read gate, oversized entries, overflow, and a random drain model in which the outbox never
// passes its bound and every entry leaves once, in order.
#include "im/paced_delivery.hpp"

#include <doctest.h>

#include <random>

using imedge::im::frame_bytes_bound;
using imedge::im::paced_delivery;
using imedge::im::pacing_marks;
using imedge::store::message;
using imedge::store::message_ptr;

namespace {

std::shared_ptr<message> entry(std::uint64_t seq, std::size_t body_bytes = 10) {
    auto m = std::make_shared<message>();
    m->conversation = "d:a:b";
    m->sender = "a";
    m->seq = seq;
    m->body_json = std::string(body_bytes, 'x');
    return m;
}

} // namespace

TEST_SUITE("im") {
    TEST_CASE("pacing marks are half and a quarter of the outbox bound") {
        auto m = pacing_marks::of_limit(1000);
        CHECK(m.high == 500);
        CHECK(m.low == 250);
    }

    TEST_CASE("frame_bytes_bound covers the encoded message") {
        auto m = entry(1, 40);
        CHECK(frame_bytes_bound(*m) >= 160 + 40);
        m->client_id = std::string(10, '\x01'); // each byte escapes to six
        CHECK(frame_bytes_bound(*m) >= 160 + 40 + 60);
    }

    TEST_CASE("entries go in while the outbox stays under the high mark") {
        paced_delivery p(pacing_marks::of_limit(4000), 100);
        for (std::uint64_t s = 1; s <= 3; ++s)
            p.push(entry(s, 1000));
        auto b = frame_bytes_bound(*entry(1, 1000));
        REQUIRE(b < 2000);
        auto first = p.next(0);
        REQUIRE(first);
        CHECK(first->seq == 1);
        CHECK_FALSE(p.next(2000 - b + 1)); // would pass the high mark
        CHECK(p.wait_mark() == std::min<std::size_t>(1000, 2000 - b));
        auto second = p.next(p.wait_mark());
        REQUIRE(second);
        CHECK(second->seq == 2);
        CHECK(p.size() == 1);
    }

    TEST_CASE("the next page is read only when nothing waits and the outbox is low") {
        paced_delivery p(pacing_marks::of_limit(1000), 100);
        CHECK(p.may_read(250));
        CHECK_FALSE(p.may_read(251));
        p.push(entry(1));
        CHECK_FALSE(p.may_read(0));
        CHECK(p.next(0));
        CHECK(p.may_read(0));
        CHECK(p.low_mark() == 250);
    }

    TEST_CASE("an entry larger than the high mark waits for an empty outbox, then goes alone") {
        paced_delivery p(pacing_marks::of_limit(1000), 100);
        p.push(entry(1, 5000));
        CHECK_FALSE(p.next(1));
        CHECK(p.wait_mark() == 0);
        auto m = p.next(0);
        REQUIRE(m);
        CHECK(m->seq == 1);
        CHECK_FALSE(p.next(0)); // empty
    }

    TEST_CASE("past max_entries it overflows and hands everything back in order") {
        paced_delivery p(pacing_marks::of_limit(1000), 2);
        p.push(entry(1));
        p.push(entry(2));
        CHECK_FALSE(p.overflowing());
        p.push(entry(3));
        CHECK(p.overflowing());
        auto all = p.take_all();
        REQUIRE(all.size() == 3);
        CHECK(all[0]->seq == 1);
        CHECK(all[2]->seq == 3);
        CHECK(p.empty());
    }

    TEST_CASE("model: a randomly draining outbox never passes its bound; all leave in order") {
        for (std::uint32_t seed = 1; seed <= 50; ++seed) {
            CAPTURE(seed);
            std::mt19937 rng(seed);
            const std::size_t limit = 4096;
            paced_delivery p(pacing_marks::of_limit(limit), 100000);
            std::deque<std::size_t> outbox; // frame sizes
            std::size_t bytes = 0, pushed = 0, next_expected = 1, waits = 0;
            std::uniform_int_distribution<std::size_t> body(0, 3000);
            auto sent = [&](const message_ptr& m) {
                CHECK(m->seq == next_expected);
                ++next_expected;
                auto size = frame_bytes_bound(*m);
                CHECK((bytes == 0 || bytes + size <= limit / 2));
                bytes += size;
                outbox.push_back(size);
            };
            while (next_expected <= 500) {
                if (pushed < 500 && rng() % 3 == 0)
                    p.push(entry(++pushed, body(rng)));
                while (auto m = p.next(bytes))
                    sent(m);
                if (!p.empty()) {
                    // The writer drains to the wait mark, as when_drained reports it.
                    ++waits;
                    auto mark = p.wait_mark();
                    while (bytes > mark) {
                        bytes -= outbox.front();
                        outbox.pop_front();
                    }
                    auto m = p.next(bytes);
                    REQUIRE(m); // a wait always makes progress
                    sent(m);
                } else if (!outbox.empty() && rng() % 2 == 0) {
                    bytes -= outbox.front();
                    outbox.pop_front();
                }
            }
            CHECK(next_expected == 501);
            CHECK(waits > 0);
        }
    }
}
