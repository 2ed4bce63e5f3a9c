// When a failed webhook attempt is tried again: exponential backoff with jitter, capped, for a
// bounded number of retries; a receiver's Retry-After stretches the wait (never past the cap).
// Sans-IO: the random draw comes in as a value.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace imedge::webhook {

struct retry_policy {
    std::uint32_t retries = 5;            // attempts after the first
    std::chrono::milliseconds base{500};  // the wait before the first retry, before jitter
    std::chrono::milliseconds cap{30000}; // no wait is longer
};

/// The wait before retry `retry` (1 for the first): d = min(cap, base * 2^(retry-1)), then
/// "equal jitter": d/2 + unit * d/2, with `unit` drawn uniformly from [0, 1). Half the wait is
/// kept so a struggling receiver gets a real pause; the random half spreads the retries of many
/// pushes that failed together. `retry_after` (the receiver's Retry-After) raises it, to the cap.
std::chrono::milliseconds backoff_delay(const retry_policy& p, std::uint32_t retry, double unit,
                                        std::optional<std::chrono::milliseconds> retry_after = {});

/// A 2xx answer delivers the push; anything else (another status, no answer) is a failure.
constexpr bool is_success(unsigned status) {
    return status >= 200 && status < 300;
}

} // namespace imedge::webhook
