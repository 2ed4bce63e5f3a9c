// app::run() plus the backend pushes: starts the shards, prints the readiness line, starts the
// Redis subscriber when --redis was given and the AMQP consumer when --amqp was, serves until
// SIGINT/SIGTERM, then stops the subscriber before the shards and prints the push counters.
#pragma once

#include "push/push_options.hpp"

#include "server/api/app.hpp"

namespace imedge::push {

/// Parses the push flags and the server's options from argv (exits with usage on bad input).
struct parsed_args {
    server::app app;
    push_options push;
};
parsed_args parse_args(int argc, char** argv, server::server_options defaults = {});

/// Returns the process exit code.
int run_with_push(server::app& app, const push_options& o);

} // namespace imedge::push
