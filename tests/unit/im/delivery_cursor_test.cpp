// The delivery cursor: in-order live delivery, gaps fetched while live entries are held,
// duplicates dropped, paging, the hold bound, and a model-based random interleaving of live
// entries and fetch replies that must always yield 1..N exactly once, in order.
#include "im/delivery_cursor.hpp"

#include <doctest.h>

#include <random>

using imedge::im::cursor_step;
using imedge::im::delivery_cursor;
using imedge::store::message;
using imedge::store::message_ptr;

namespace {

message_ptr entry(std::uint64_t seq) {
    auto m = std::make_shared<message>();
    m->conversation = "d:a:b";
    m->seq = seq;
    return m;
}

std::vector<std::uint64_t> seqs(const cursor_step& s) {
    std::vector<std::uint64_t> out;
    for (const auto& m : s.deliver)
        out.push_back(m->seq);
    return out;
}

std::vector<message_ptr> page(std::uint64_t after, std::uint64_t last, std::size_t limit) {
    std::vector<message_ptr> out;
    for (auto s = after + 1; s <= last && out.size() < limit; ++s)
        out.push_back(entry(s));
    return out;
}

using list = std::vector<std::uint64_t>;

} // namespace

TEST_SUITE("im") {
    TEST_CASE("cursor: live entries in order go straight through; old ones are dropped") {
        delivery_cursor c;
        CHECK(seqs(c.on_live(entry(1))) == list{1});
        CHECK(seqs(c.on_live(entry(2))) == list{2});
        auto again = c.on_live(entry(2));
        CHECK(again.deliver.empty());
        CHECK_FALSE(again.fetch_after);
        CHECK(c.caught_up());
        CHECK(c.delivered() == 2);
    }

    TEST_CASE("cursor: a live entry past a gap is held and the gap fetched") {
        delivery_cursor c(3);
        auto step = c.on_live(entry(7));
        CHECK(step.deliver.empty());
        REQUIRE(step.fetch_after);
        CHECK(*step.fetch_after == 3);
        CHECK(c.on_live(entry(8)).deliver.empty()); // held while fetching; no second fetch
        CHECK(c.held() == 2);
        auto got = c.on_fetched(page(3, 7, 100)); // the store has 4..7 (and 8 already)
        CHECK(seqs(got) == list{4, 5, 6, 7, 8});
        CHECK(c.caught_up());
    }

    TEST_CASE("cursor: expect() pages through the backlog, then live continues") {
        delivery_cursor c(0);
        auto step = c.expect(1000);
        REQUIRE(step.fetch_after == 0u);
        CHECK_FALSE(c.caught_up());
        auto live = c.on_live(entry(1001)); // sent during the replay
        CHECK(live.deliver.empty());
        std::uint64_t delivered = 0;
        while (step.fetch_after) {
            auto p = page(*step.fetch_after, 1001, 300);
            step = c.on_fetched(p);
            for (auto s : seqs(step))
                CHECK(s == ++delivered);
        }
        CHECK(delivered == 1001);
        CHECK(c.caught_up());
    }

    TEST_CASE("cursor: an empty page stops the fetching") {
        delivery_cursor c(5);
        auto step = c.expect(9);
        REQUIRE(step.fetch_after);
        auto none = c.on_fetched({});
        CHECK(none.deliver.empty());
        CHECK_FALSE(none.fetch_after);
        CHECK(c.caught_up());
        CHECK(c.delivered() == 5);
    }

    TEST_CASE("cursor: past the hold bound, live entries are dropped and fetched again") {
        delivery_cursor c(0, 4);
        c.on_live(entry(2)); // fetch 1..
        for (std::uint64_t s = 3; s <= 20; ++s)
            c.on_live(entry(s));
        CHECK(c.held() == 4);
        auto step = c.on_fetched(page(0, 1, 100)); // a stale page: only seq 1
        CHECK(seqs(step) == list{1, 2, 3, 4, 5});
        REQUIRE(step.fetch_after);
        CHECK(*step.fetch_after == 5);
        step = c.on_fetched(page(5, 20, 100));
        CHECK(seqs(step).size() == 15);
        CHECK(c.delivered() == 20);
        CHECK(c.caught_up());
    }

    TEST_CASE("cursor: failed fetch gives up until new entries arrive") {
        delivery_cursor c(0);
        c.on_live(entry(3));
        c.on_fetch_failed();
        CHECK(c.caught_up());
        auto step = c.on_live(entry(4));
        REQUIRE(step.fetch_after);
        CHECK(*step.fetch_after == 0);
    }

    TEST_CASE("cursor: random interleavings of live entries and fetch replies deliver 1..N once, "
              "in order") {
        std::mt19937 random(12345);
        for (int round = 0; round < 300; ++round) {
            const std::uint64_t n = 1 + random() % 200;
            const std::uint64_t start = random() % (n + 1); // the device's cursor at sync
            const std::size_t limit = 1 + random() % 50;
            delivery_cursor c(start, 1 + random() % 64);
            std::uint64_t committed = random() % (n + 1); // already in the store at sync
            std::uint64_t next_live = committed + 1;      // the feed carries every later entry
            std::vector<std::uint64_t> got;
            std::optional<std::uint64_t> pending; // a fetch in flight: its after value
            std::uint64_t snapshot = 0;           // what the store had when it was issued
            auto apply = [&](const cursor_step& s) {
                for (const auto& m : s.deliver)
                    got.push_back(m->seq);
                if (s.fetch_after) {
                    REQUIRE_FALSE(pending);
                    pending = s.fetch_after;
                    snapshot = committed;
                }
            };
            apply(c.expect(committed));
            while (next_live <= n || pending) {
                bool do_live = next_live <= n && (!pending || random() % 2);
                if (do_live) {
                    committed = std::max(committed, next_live);
                    apply(c.on_live(entry(next_live++)));
                } else {
                    // The reply reflects the store at some moment between issue and now.
                    auto seen = snapshot + random() % (committed - snapshot + 1);
                    auto p = page(*pending, seen, limit);
                    pending.reset();
                    apply(c.on_fetched(p));
                }
            }
            std::vector<std::uint64_t> want;
            for (auto s = start + 1; s <= n; ++s)
                want.push_back(s);
            REQUIRE(got == want);
            CHECK(c.caught_up());
        }
    }
}
