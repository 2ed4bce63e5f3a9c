// app::run() plus the backend pushes: starts the shards, prints the readiness line, starts the
// Redis subscriber when --redis was given and the AMQP consumer when --amqp was, serves until
// SIGINT/SIGTERM, then stops the subscriber before the shards and prints the push counters.
// Used by examples/push_demo and by the imedge binary (bin/main.cpp).
#pragma once

#include "push/push_options.hpp"

#include "server/api/app.hpp"

#include <functional>

namespace imedge::push {

/// Parses the push flags and the server's options from argv (exits with usage on bad input).
struct parsed_args {
    server::app app;
    push_options push;
};
parsed_args parse_args(int argc, char** argv, server::server_options defaults = {});

/// Returns the process exit code. On SIGINT/SIGTERM, `drain` (if given) runs on the signal
/// thread after the Redis and AMQP intakes stopped and while the cluster link and the shards
/// still run: the imedge binary's store finishes and acknowledges its writes there.
int run_with_push(server::app& app, const push_options& o, std::function<void()> drain = {});

} // namespace imedge::push
