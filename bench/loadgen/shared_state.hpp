// Block of memory shared (MAP_SHARED, set up before fork) between the coordinator and the worker
// processes. Each counters slot is written by one worker thread only (relaxed atomics, own cache
// line); go_ns is written by the coordinator once; results[p] by process p once, before it exits.
#pragma once

#include "histogram.hpp"

#include <atomic>
#include <cstdint>

namespace imedge::bench {

constexpr unsigned max_procs = 16;
constexpr unsigned max_threads = 16;

struct alignas(64) counters {
    std::atomic<std::uint64_t> connected{0};       // handshakes completed
    std::atomic<std::uint64_t> failed{0};          // connects or handshakes that failed
    std::atomic<std::uint64_t> ready{0};           // connected and (where needed) joined
    std::atomic<std::uint64_t> sent{0};            // scenario messages sent
    std::atomic<std::uint64_t> expected{0};        // deliveries those messages should cause
    std::atomic<std::uint64_t> received{0};        // deliveries (events or acks) received
    std::atomic<std::uint64_t> received_window{0}; // ... of which before the end of the measurement
    std::atomic<std::uint64_t> disconnects{0};     // connections the server closed during the run
    std::atomic<std::uint64_t> skipped{0};         // sends skipped: the client's own queue was full
};

struct proc_result {
    histogram latency;
    histogram connect;
};

struct shared_state {
    std::atomic<std::int64_t> go_ns{
        0}; // steady-clock time at which measurement starts; 0 = not yet
    std::atomic<int> abort{0};
    counters slots[max_procs * max_threads];
    proc_result results[max_procs];

    counters& slot(unsigned proc, unsigned thread) { return slots[proc * max_threads + thread]; }

    std::uint64_t total(std::atomic<std::uint64_t> counters::*field) const {
        std::uint64_t sum = 0;
        for (const auto& s : slots)
            sum += (s.*field).load(std::memory_order_relaxed);
        return sum;
    }
};

} // namespace imedge::bench
