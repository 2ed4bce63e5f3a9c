// The push hand-off webhook's flags (docs/push-webhook.md), taken out of argv before the IM and
// server options are parsed: `--push-webhook URL` (none = no webhook), `--push-webhook-secret S`
// (required with a URL), `--push-webhook-queue N`, `--push-webhook-retries N`,
// `--push-webhook-backoff-ms MS`, `--push-webhook-max-backoff-ms MS`, `--push-webhook-timeout-ms
// MS`, `--push-webhook-concurrency N`, `--push-webhook-preview BYTES`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace imedge::webhook {

/// Where the webhook goes. Plain `http://` only for now: TLS (https://) is refused at start-up.
struct webhook_url {
    std::string host;
    std::uint16_t port = 80;
    std::string target = "/"; // path and query, sent as the request target
    std::string host_header;  // host[:port] as the URL wrote it
};

/// "http://host[:port][/path[?query]]", or a message saying what is wrong.
std::variant<webhook_url, std::string> parse_webhook_url(std::string_view url);

/// Immutable after start-up.
struct webhook_options {
    std::optional<webhook_url> url;         // none: no webhook, nothing is tracked
    std::string secret;                     // the HMAC-SHA256 key
    std::size_t queue = 10000;              // jobs held at most (waiting, in flight, backing off)
    std::uint32_t retries = 5;              // further attempts after the first
    std::chrono::milliseconds backoff{500}; // before the first retry (doubled each time)
    std::chrono::milliseconds max_backoff{30000}; // the cap on one wait
    std::chrono::milliseconds timeout{5000};      // one attempt: connect, write, read
    std::size_t concurrency = 4;                  // attempts in flight (one connection each)
    std::size_t preview_bytes = 120;              // the preview's bound, in UTF-8 bytes
};

struct split_args {
    webhook_options options;
    std::vector<std::string> rest; // argv without the webhook flags (argv[0] kept)
};

/// The webhook flags and the other arguments, or an error message.
std::variant<split_args, std::string> take_webhook_options(int argc, const char* const* argv);

std::string webhook_usage();

} // namespace imedge::webhook
