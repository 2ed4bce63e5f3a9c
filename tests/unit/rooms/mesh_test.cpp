// The cross-shard rings: order per sender, overflow instead of loss, one wake-up per batch.
#include "rooms/mesh.hpp"

#include <doctest.h>

#include <atomic>
#include <thread>

using imedge::rooms::mesh;

TEST_SUITE("rooms") {

    TEST_CASE("messages arrive in order, and a full ring overflows instead of dropping") {
        mesh<int> m(2, 4);
        int wakes = 0;
        int retries = 0;
        m.set_callbacks([&](std::size_t to) { wakes += to == 1; },
                        [&](std::size_t from) { retries += from == 0; });
        for (int i = 0; i < 10; ++i)
            m.send(0, 1, i);
        CHECK(wakes == 1);   // one wake-up for the whole batch
        CHECK(retries == 1); // the sender was asked once to retry its overflow
        CHECK(m.stats(0).overflowed == 6);

        std::vector<int> got;
        auto take = [&] {
            m.drain(1, [&](std::size_t from, int&& v) {
                CHECK(from == 0);
                got.push_back(v);
            });
        };
        take();
        CHECK(got == std::vector<int>{0, 1, 2, 3});
        m.flush_overflow(0);
        take();
        m.flush_overflow(0);
        take();
        CHECK(got == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        CHECK(m.stats(0).sent == 10);
    }

    TEST_CASE("two threads: every message delivered exactly once, in order") {
        mesh<std::uint64_t> m(2, 64);
        std::atomic<bool> retry_needed{false};
        m.set_callbacks([](std::size_t) {}, [&](std::size_t) { retry_needed = true; });
        constexpr std::uint64_t count = 50000;
        // Both sides give up at the deadline, so a bug fails the test instead of hanging it.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        std::thread producer([&] {
            for (std::uint64_t i = 0; i < count; ++i) {
                m.send(0, 1, i);
                if (retry_needed.exchange(false))
                    m.flush_overflow(0);
            }
            while (m.overflow_size(0) > 0 && std::chrono::steady_clock::now() < deadline) {
                m.flush_overflow(0);
                std::this_thread::yield();
            }
        });
        std::uint64_t expected = 0;
        bool ordered = true;
        while (expected < count && std::chrono::steady_clock::now() < deadline) {
            m.drain(1, [&](std::size_t, std::uint64_t&& v) {
                ordered = ordered && v == expected;
                ++expected;
            });
            std::this_thread::yield();
        }
        producer.join();
        CHECK(ordered);
        CHECK(expected == count);
    }
}
