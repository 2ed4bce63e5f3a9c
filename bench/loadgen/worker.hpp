// Worker process of the load generator: runs its share of the clients on several threads, one
// io_context each, then leaves its merged histograms in the shared block. Called in a forked child.
#pragma once

#include "config.hpp"
#include "shared_state.hpp"

namespace imedge::bench {

// Runs process `proc` of cfg.procs to completion (the coordinator decides when measurement starts).
void run_process(const config& cfg, shared_state& state, unsigned proc);

// Steady-clock nanoseconds; the same clock in every process on the machine.
std::int64_t now_ns() noexcept;

} // namespace imedge::bench
