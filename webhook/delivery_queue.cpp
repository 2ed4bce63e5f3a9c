// The webhook's bounded retry queue.
#include "webhook/delivery_queue.hpp"

#include <cassert>

namespace imedge::webhook {

admission delivery_queue::push(delivery_job job) {
    if (held() >= capacity_)
        return admission::queue_full;
    ready_.push_back(std::move(job));
    return admission::accepted;
}

std::optional<delivery_job> delivery_queue::take(steady_clock::time_point now) {
    while (!waiting_.empty() && waiting_.begin()->first <= now) {
        ready_.push_back(std::move(waiting_.begin()->second));
        waiting_.erase(waiting_.begin());
    }
    if (ready_.empty())
        return std::nullopt;
    auto job = std::move(ready_.front());
    ready_.pop_front();
    ++in_flight_;
    return job;
}

std::optional<steady_clock::time_point> delivery_queue::next_due() const {
    if (waiting_.empty())
        return std::nullopt;
    return waiting_.begin()->first;
}

verdict delivery_queue::finish(delivery_job job, const attempt_outcome& outcome,
                               steady_clock::time_point now, double unit) {
    assert(in_flight_ > 0);
    --in_flight_;
    ++job.attempts;
    if (outcome.delivered)
        return verdict::delivered;
    if (job.attempts > policy_.retries)
        return verdict::retries_exhausted;
    auto due = now + backoff_delay(policy_, job.attempts, unit, outcome.retry_after);
    waiting_.emplace(due, std::move(job));
    return verdict::retry_scheduled;
}

std::size_t delivery_queue::clear() {
    auto n = ready_.size() + waiting_.size();
    ready_.clear();
    waiting_.clear();
    return n;
}

} // namespace imedge::webhook
