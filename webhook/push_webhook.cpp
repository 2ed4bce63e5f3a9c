// The push hand-off's thread: accepting batches into the queue, the dispatcher that starts
// attempts up to the concurrency, and the attempts themselves.
#include "webhook/push_webhook.hpp"

#include "webhook/http_post.hpp"
#include "webhook/signature.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace imedge::webhook {

namespace asio = boost::asio;

namespace {

std::int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The root of every coroutine of the webhook thread: what escapes one is reported here, once.
void log_exception(const std::exception_ptr& e) {
    if (!e)
        return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        fmt::print(stderr, "imedge: push webhook: {}\n", x.what());
    }
}

} // namespace

std::string counts_json(const webhook_counts& c) {
    return fmt::format(
        R"({{"enqueued":{},"delivered":{},"attempts":{},"failed_attempts":{},)"
        R"("dropped_queue_full":{},"dropped_retries_exhausted":{},"dropped_shutdown":{},)"
        R"("queued":{}}})",
        c.enqueued, c.delivered, c.attempts, c.failed_attempts, c.dropped_queue_full,
        c.dropped_retries_exhausted, c.dropped_shutdown, c.queued);
}

push_webhook::push_webhook(webhook_options options)
    : options_(std::move(options)),
      queue_(options_.queue, {options_.retries, options_.backoff, options_.max_backoff}),
      work_(context_.get_executor()), wake_(context_) {
    id_prefix_ = fmt::format("{:016x}", random_());
    for (std::size_t i = 0; i < options_.concurrency; ++i) {
        posters_.push_back(std::make_unique<http_poster>(context_.get_executor(), *options_.url,
                                                         options_.timeout));
        idle_posters_.push_back(i);
    }
    asio::co_spawn(context_, dispatch(), [](const std::exception_ptr& e) { log_exception(e); });
    thread_ = std::thread([this] { context_.run(); });
}

// join() throws only if the thread cannot be joined, which stop() checks first: terminating on
// such a broken invariant is what should happen.
push_webhook::~push_webhook() { // NOLINT(bugprone-exception-escape)
    stop();
}

void push_webhook::stop() {
    if (!thread_.joinable())
        return;
    asio::post(context_, [this] {
        stopping_ = true;
        counters_.dropped_shutdown.fetch_add(queue_.clear(), std::memory_order_relaxed);
        update_gauge();
        for (auto& p : posters_)
            p->close();
        wake_.cancel();
        work_.reset();
    });
    thread_.join();
}

webhook_counts push_webhook::counts() const {
    auto get = [](const std::atomic<std::uint64_t>& v) {
        return v.load(std::memory_order_relaxed);
    };
    const auto& c = counters_;
    return {get(c.enqueued),           get(c.delivered),
            get(c.attempts),           get(c.failed_attempts),
            get(c.dropped_queue_full), get(c.dropped_retries_exhausted),
            get(c.dropped_shutdown),   get(c.queued)};
}

void push_webhook::submit(store::offline_batch batch) {
    asio::post(context_, [this, batch = std::move(batch)] { accept(batch); });
}

void push_webhook::accept(const store::offline_batch& batch) {
    if (stopping_)
        return;
    for (const auto& e : *batch) {
        for (const auto& r : e.recipients) {
            // Checked before the body is built: a full queue costs no formatting.
            if (queue_.held() >= options_.queue) {
                counters_.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            delivery_job job;
            job.id = fmt::format("{}-{}", id_prefix_, ++next_id_);
            job.notice = {e.entry, r.user, r.unread};
            job.body = payload_json(job.notice, job.id, options_.preview_bytes, parser_);
            if (queue_.push(std::move(job)) == admission::accepted)
                counters_.enqueued.fetch_add(1, std::memory_order_relaxed);
            else
                counters_.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
        }
    }
    update_gauge();
    wake_.cancel();
}

asio::awaitable<void> push_webhook::dispatch() {
    while (!stopping_) {
        auto now = steady_clock::now();
        while (!idle_posters_.empty()) {
            auto job = queue_.take(now);
            if (!job)
                break;
            auto poster = idle_posters_.back();
            idle_posters_.pop_back();
            asio::co_spawn(context_, attempt(std::move(*job), poster),
                           [](const std::exception_ptr& e) { log_exception(e); });
        }
        // Sleep until the next retry is due, or until a submission or a finished attempt
        // cancels the wait (single-threaded: nothing can happen between the check and here).
        auto due = queue_.next_due();
        if (due && !idle_posters_.empty())
            wake_.expires_at(*due);
        else
            wake_.expires_at(steady_clock::time_point::max());
        co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

asio::awaitable<void> push_webhook::attempt(delivery_job job, std::size_t poster) {
    auto ts = unix_seconds();
    header_list headers{
        {std::string(timestamp_header), std::to_string(ts)},
        {std::string(signature_header), sign_body(options_.secret, ts, job.body)},
        {"X-Imedge-Delivery", job.id},
        {"X-Imedge-Attempt", std::to_string(job.attempts + 1)},
    };
    counters_.attempts.fetch_add(1, std::memory_order_relaxed);
    auto result = co_await posters_[poster]->post(job.body, std::move(headers));
    attempt_outcome outcome{is_success(result.status), result.retry_after};
    if (!outcome.delivered) {
        counters_.failed_attempts.fetch_add(1, std::memory_order_relaxed);
        note_failure(result.status ? fmt::format("answered {}", result.status) : result.error);
    } else if (failing_) {
        failing_ = false;
        fmt::print(stderr, "imedge: push webhook: the receiver answers 2xx again\n");
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto v = queue_.finish(std::move(job), outcome, steady_clock::now(), unit(random_));
    if (v == verdict::delivered)
        counters_.delivered.fetch_add(1, std::memory_order_relaxed);
    else if (v == verdict::retries_exhausted)
        counters_.dropped_retries_exhausted.fetch_add(1, std::memory_order_relaxed);
    if (stopping_) // a retry scheduled during shutdown is never made
        counters_.dropped_shutdown.fetch_add(queue_.clear(), std::memory_order_relaxed);
    update_gauge();
    idle_posters_.push_back(poster);
    wake_.cancel();
}

void push_webhook::note_failure(const std::string& why) {
    if (failing_ || stopping_)
        return;
    failing_ = true;
    fmt::print(stderr,
               "imedge: push webhook: attempt failed: {} (retried with backoff; further "
               "failures are counted in /healthz, not logged, until one succeeds)\n",
               why);
}

} // namespace imedge::webhook
