// Coordinator of a load-generator run: forks the worker processes, starts the measurement when
// every client is ready, samples the server from /proc, prints progress and merges the results.
#pragma once

#include "config.hpp"

namespace imedge::bench {

// Runs the whole scenario; returns the process exit status (0 when the run completed).
int run_coordinator(const config& cfg);

} // namespace imedge::bench
