// Bounded waits for what a server does on its own time, read from its counters; shared by the
// component tests so each polls the same way.
#pragma once

#include "server/api/app.hpp"

#include <chrono>
#include <cstdint>
#include <thread>

namespace imedge::testing {

/// Polls `done` every 5 ms until it holds or `limit` has passed; returns whether it held.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
}

/// One counter summed over every shard.
inline std::uint64_t total(server::running_server& s,
                           std::uint64_t server::shard_counters::*field) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < s.shard_count(); ++i)
        sum += s.counters(i).*field;
    return sum;
}

} // namespace imedge::testing
