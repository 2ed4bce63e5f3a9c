// Splitting the push API's flags out of the argument list.
#include "push/http_api_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string_view>

namespace imedge::push {
namespace {

bool positive(std::string_view text, std::size_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && out > 0;
}

} // namespace

std::optional<std::string> take_api_options(std::vector<std::string>& args, api_options& out) {
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        bool ours = i > 0 && (a == "--api-key" || a == "--api-max-body" ||
                              a == "--api-idempotency-window" || a == "--api-idempotency-keys");
        if (!ours) {
            rest.push_back(std::move(args[i]));
            continue;
        }
        if (i + 1 >= args.size())
            return fmt::format("{} needs a value", a);
        std::string v = std::move(args[++i]);
        std::size_t n = 0;
        if (a == "--api-key") {
            if (v.empty())
                return std::string("--api-key must not be empty");
            out.keys.push_back(std::move(v));
        } else if (!positive(v, n)) {
            return fmt::format("bad {} '{}': a positive integer", a, v);
        } else if (a == "--api-max-body") {
            out.limits.max_body = n;
        } else if (a == "--api-idempotency-window") {
            out.idempotency_window = std::chrono::seconds(n);
        } else {
            out.idempotency_keys = n;
        }
    }
    args = std::move(rest);
    return std::nullopt;
}

std::string api_usage() {
    return "push HTTP API (docs/push-api.openapi.yaml):\n"
           "  --api-key K                 a bearer key (repeatable); none: no /api/ routes\n"
           "  --api-max-body B            request body bound in bytes (256 KiB; more: 413)\n"
           "  --api-idempotency-window S  how long an Idempotency-Key is remembered (600 s)\n"
           "  --api-idempotency-keys N    how many keys are remembered at most (10000)\n";
}

} // namespace imedge::push
