// The webhook's bounded queue: every push not yet finished (waiting, in flight, or backing off
// before a retry) counts against one capacity; a push that finds it full is dropped. Ready jobs
// go out first come, first served; a job backing off waits for its time. Sans-IO: time comes in
// as a value, so the tests drive it by hand. Used on the webhook thread only.
#pragma once

#include "webhook/payload.hpp"
#include "webhook/retry_policy.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace imedge::webhook {

using steady_clock = std::chrono::steady_clock;

/// One push and its history. `body` is built once; `attempts` counts the tries made so far.
struct delivery_job {
    std::string id; // the delivery id, the same on every attempt
    push_notice notice;
    std::string body;
    std::uint32_t attempts = 0;
};

/// How one attempt ended, as the sender saw it.
struct attempt_outcome {
    bool delivered = false; // a 2xx answer
    std::optional<std::chrono::milliseconds> retry_after;
};

enum class admission : std::uint8_t { accepted, queue_full };
enum class verdict : std::uint8_t { delivered, retry_scheduled, retries_exhausted };

class delivery_queue {
public:
    delivery_queue(std::size_t capacity, retry_policy policy)
        : capacity_(capacity), policy_(policy) {}

    /// Takes `job` unless `capacity` jobs are held already.
    admission push(delivery_job job);
    /// The next job to attempt at `now` (backed-off jobs whose time came, in time order, join
    /// the ready line first); it is in flight until finish(). Nothing when none is ready.
    std::optional<delivery_job> take(steady_clock::time_point now);
    /// When the next backing-off job becomes ready, if any is waiting.
    std::optional<steady_clock::time_point> next_due() const;
    /// The end of an attempt of a job from take(): delivered, or scheduled for a retry after
    /// the backoff (`unit` is the jitter draw in [0, 1)), or dropped with its retries spent.
    verdict finish(delivery_job job, const attempt_outcome& outcome, steady_clock::time_point now,
                   double unit);
    /// Empties the queue (shutdown): returns how many jobs were not in flight.
    std::size_t clear();

    std::size_t held() const { return ready_.size() + waiting_.size() + in_flight_; }
    std::size_t in_flight() const { return in_flight_; }
    bool has_ready() const { return !ready_.empty(); }

private:
    std::size_t capacity_;
    retry_policy policy_;
    std::deque<delivery_job> ready_;
    std::multimap<steady_clock::time_point, delivery_job> waiting_; // backing off, by due time
    std::size_t in_flight_ = 0;
};

} // namespace imedge::webhook
