// The push HTTP API's flags, taken out of the argument list before the server parses its own:
// `--api-key K` (repeatable; none = no API: /api/ is not routed and answers the server's plain
// 404), `--api-max-body B` (bytes, default 256 KiB), `--api-idempotency-window S` (seconds,
// default 600), `--api-idempotency-keys N` (remembered keys, default 10000).
#pragma once

#include "push/http_api_request.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace imedge::push {

/// Immutable after start-up.
struct api_options {
    std::vector<std::string> keys;
    api_limits limits;
    std::chrono::seconds idempotency_window{600};
    std::size_t idempotency_keys = 10000;
};

/// Removes the API flags from `args` (program name first) into `out`; an error message on bad
/// input.
std::optional<std::string> take_api_options(std::vector<std::string>& args, api_options& out);

std::string api_usage();

} // namespace imedge::push
