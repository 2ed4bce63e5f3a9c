// The push hand-off (docs/push-webhook.md): entries stored for members with no live device
// become signed JSON POSTs to the configured URL, retried with backoff from a bounded queue,
// every loss counted by reason. Runs on a thread of its own with its own io_context: the store's
// writer hands it committed batches through submit(), which only posts, so neither the writer
// nor any shard ever waits on the receiver.
#pragma once

#include "webhook/delivery_queue.hpp"
#include "webhook/webhook_options.hpp"

#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace imedge::webhook {

class http_poster;

/// The webhook's counters at one moment (each exact at a recent moment).
struct webhook_counts {
    std::uint64_t enqueued = 0;        // pushes taken into the queue
    std::uint64_t delivered = 0;       // pushes answered 2xx
    std::uint64_t attempts = 0;        // POSTs made (first tries and retries)
    std::uint64_t failed_attempts = 0; // of those, answered non-2xx or not at all
    std::uint64_t dropped_queue_full = 0;
    std::uint64_t dropped_retries_exhausted = 0;
    std::uint64_t dropped_shutdown = 0; // still queued when the server stopped
    std::uint64_t queued = 0;           // gauge: held now (waiting, in flight, backing off)
};

/// JSON object text of `c` (the "push_webhook" field of GET /healthz).
std::string counts_json(const webhook_counts& c);

/// Thread safety: submit() and counts() from any thread; stop() once, from one thread.
class push_webhook {
public:
    explicit push_webhook(webhook_options options);
    ~push_webhook();
    push_webhook(const push_webhook&) = delete;
    push_webhook& operator=(const push_webhook&) = delete;

    /// Hands over one committed batch (the store's offline sink). Cheap: one post.
    void submit(store::offline_batch batch);
    /// Drops what is still queued (counted as dropped_shutdown), ends the attempts in flight,
    /// joins the thread. Call after the store has stopped, so nothing more is submitted.
    void stop();
    webhook_counts counts() const;

private:
    struct counters {
        std::atomic<std::uint64_t> enqueued{0}, delivered{0}, attempts{0}, failed_attempts{0},
            dropped_queue_full{0}, dropped_retries_exhausted{0}, dropped_shutdown{0}, queued{0};
    };

    void accept(const store::offline_batch& batch);
    boost::asio::awaitable<void> dispatch();
    boost::asio::awaitable<void> attempt(delivery_job job, std::size_t poster);
    void note_failure(const std::string& why);
    void update_gauge() { counters_.queued.store(queue_.held(), std::memory_order_relaxed); }

    const webhook_options options_;
    counters counters_;
    // Everything below is touched on the webhook thread only.
    delivery_queue queue_;
    simdjson::dom::parser parser_;
    std::mt19937_64 random_{std::random_device{}()};
    std::string id_prefix_;
    std::uint64_t next_id_ = 0;
    bool failing_ = false; // an attempt failed since the last success (logged once per spell)
    bool stopping_ = false;

    boost::asio::io_context context_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    boost::asio::steady_timer wake_; // the dispatcher's: cancelled when there may be work
    std::vector<std::unique_ptr<http_poster>> posters_; // one connection per concurrent attempt
    std::vector<std::size_t> idle_posters_;
    std::thread thread_;
};

} // namespace imedge::webhook
