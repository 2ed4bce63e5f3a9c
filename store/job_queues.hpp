// What both stores' threads share: a queue of writes and one of reads (each drained in batches
// by one thread of the store), the shards' posters and feeds, the push hand-off's sink, the
// counters, and the hand-back of a batch: one post per shard, its acks first, then the feed.
// The stores differ in what a job runs against (their own connection types) and in how a batch
// commits; everything here is the same for both, so it lives once.
#pragma once

#include "store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace imedge::store {

/// A completion to post to a shard: runs there, after the batch it belongs to committed.
using completion = std::function<void()>;
/// A batch's completions, each with the shard it goes back to.
using shard_completions = std::vector<std::pair<std::size_t, completion>>;

/// Wall-clock milliseconds: a message's `ts` and a presence's last seen.
inline std::int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// Shares one completion callback between a job's run and fail paths (only one is used).
template <class T> using shared_done = std::shared_ptr<std::function<void(T)>>;
template <class T> shared_done<T> share(std::function<void(T)> f) {
    return std::make_shared<std::function<void(T)>>(std::move(f));
}

/// Jobs a writer takes at once: bounds one transaction's size and latency.
constexpr std::size_t max_write_batch = 8192;
/// Jobs a reader takes at once.
constexpr std::size_t max_read_batch = 256;

/// Thread safety: every member may be called from any thread; one mutex, held briefly.
template <class WriteJob, class ReadJob> class job_queues {
public:
    explicit job_queues(std::size_t shards) : posters_(shards), feeds_(shards) {}

    void attach_shard(std::size_t index, poster post, std::function<void(feed_batch)> feed) {
        std::lock_guard lock(mutex_);
        posters_.at(index) = std::move(post);
        feeds_.at(index) = std::move(feed);
    }
    void set_offline_sink(offline_sink sink) {
        std::lock_guard lock(mutex_);
        offline_sink_ = std::move(sink);
    }

    /// Queues a job; dropped once stopping.
    void push_write(WriteJob job) { push(writes_, write_ready_, std::move(job)); }
    void push_read(ReadJob job) { push(reads_, read_ready_, std::move(job)); }

    /// Waits for writes, then moves up to max_write_batch of them into `out` and copies the
    /// offline sink current for them. False when stopping with nothing left: the writer ends.
    bool take_writes(std::vector<WriteJob>& out, offline_sink& sink) {
        std::unique_lock lock(mutex_);
        if (!take(lock, writes_, write_ready_, out, max_write_batch))
            return false;
        sink = offline_sink_;
        return true;
    }
    /// As take_writes, for the reader thread (up to max_read_batch).
    bool take_reads(std::vector<ReadJob>& out) {
        std::unique_lock lock(mutex_);
        return take(lock, reads_, read_ready_, out, max_read_batch);
    }

    /// Marks the queues stopping (what is queued is still taken) and wakes every waiter; false
    /// when they already were.
    bool begin_stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return false;
            stopping_ = true;
        }
        write_ready_.notify_all();
        read_ready_.notify_all();
        stop_ready_.notify_all();
        return true;
    }
    /// Sleeps up to `d`; true as soon as the queues are stopping (a retry loop's wait).
    bool wait_stopping_for(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex_);
        return stop_ready_.wait_for(lock, d, [&] { return stopping_; });
    }

    /// Counts one batch of `writes` jobs, committed or rolled back.
    void count_batch(bool failed, std::size_t writes) {
        std::lock_guard lock(mutex_);
        ++(failed ? stats_.failures : stats_.batches);
        stats_.writes += writes;
    }
    store_stats stats() const {
        std::lock_guard lock(mutex_);
        return stats_;
    }

    /// Posts each shard its completions, then `feed` (when not empty), in one post per shard.
    void deliver(shard_completions& done, const feed_batch& feed) const {
        std::vector<poster> posters;
        std::vector<std::function<void(feed_batch)>> feeds;
        {
            std::lock_guard lock(mutex_);
            posters = posters_;
            feeds = feeds_;
        }
        std::vector<std::vector<completion>> per_shard(posters.size());
        for (auto& [shard, c] : done)
            if (shard < per_shard.size() && c)
                per_shard[shard].push_back(std::move(c));
        for (std::size_t s = 0; s < posters.size(); ++s) {
            if (!posters[s] || (per_shard[s].empty() && (!feed || feed->empty())))
                continue;
            // Acks first, then the feed: a sender hears its seq before any device sees the entry.
            posters[s]([calls = std::move(per_shard[s]), feed, on_feed = feeds[s]] {
                for (const auto& c : calls)
                    c();
                if (feed && !feed->empty() && on_feed)
                    on_feed(feed);
            });
        }
    }

private:
    template <class Job>
    void push(std::deque<Job>& queue, std::condition_variable& ready, Job job) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
            queue.push_back(std::move(job));
        }
        ready.notify_one();
    }
    template <class Job>
    bool take(std::unique_lock<std::mutex>& lock, std::deque<Job>& queue,
              std::condition_variable& ready, std::vector<Job>& out, std::size_t max) {
        ready.wait(lock, [&] { return stopping_ || !queue.empty(); });
        if (queue.empty())
            return false; // stopping, and everything queued is done
        while (!queue.empty() && out.size() < max) {
            out.push_back(std::move(queue.front()));
            queue.pop_front();
        }
        return true;
    }

    mutable std::mutex mutex_; // guards everything below (short holds)
    std::condition_variable write_ready_, read_ready_, stop_ready_;
    std::deque<WriteJob> writes_;
    std::deque<ReadJob> reads_;
    std::vector<poster> posters_;
    std::vector<std::function<void(feed_batch)>> feeds_;
    offline_sink offline_sink_;
    bool stopping_ = false;
    store_stats stats_;
};

} // namespace imedge::store
