// The shared store: one PostgreSQL database used by every node of a cluster. Per node, one writer
// thread commits whatever is pending as one transaction (group commit, as sqlite_store does),
// one reader thread serves reads, and one listener thread receives the other nodes' commits
// (LISTEN/NOTIFY, pg_feed.hpp) and feeds them to this node's shards. Each thread has its own
// connection; libpq's blocking calls never run on a shard. A lost connection fails the calls
// it was serving with status::io_error and is reopened with a growing delay (logged); calls
// that arrive while it is down fail at once rather than wait.
#pragma once

#include "store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

namespace imedge::store {

class pg_writer_db;
class pg_reader_db;

/// Thread safety: every call may come from any thread (each shard uses its own index).
/// stop() (or the destructor) finishes what is queued, then joins; later calls are dropped.
class pg_store final : public store {
public:
    /// Connects (the writer creates the schema if it is absent); throws pg_failure when the
    /// database cannot be reached at start.
    pg_store(const std::string& url, std::size_t shards);
    ~pg_store() override;

    void attach_shard(std::size_t index, poster post,
                      std::function<void(feed_batch)> feed) override;
    void set_offline_sink(offline_sink sink) override;
    void append(std::size_t shard, append_request r,
                std::function<void(append_result)> done) override;
    void create_group(std::size_t shard, std::string owner, std::string title,
                      std::vector<std::string> members, std::size_t cap, group_access access,
                      std::function<void(group_result)> done) override;
    void change_group(std::size_t shard, group_change change,
                      std::function<void(group_result)> done) override;
    void set_receipt(std::size_t shard, std::string user, std::string conversation,
                     std::string kind, std::uint64_t seq,
                     std::function<void(receipt_result)> done) override;
    void set_presence(std::size_t shard, std::string user, bool online,
                      std::function<void(presence_change)> done) override;
    void presence(std::size_t shard, std::vector<std::string> users,
                  std::function<void(std::vector<presence_state>)> done) override;
    void read(std::size_t shard, read_request r, std::function<void(read_result)> done) override;
    void members(std::size_t shard, std::string user, std::string conversation,
                 std::function<void(group_result)> done) override;
    void conversations(std::size_t shard, std::string user,
                       std::function<void(std::vector<conversation_summary>)> done) override;

    void stop() override;
    store_stats stats() const override;

    using completion = std::function<void()>;
    /// A write runs inside the writer's transaction and returns its completion; it may run
    /// again when the server aborts the transaction as a deadlock. `fail` gives the completion
    /// to use when the transaction cannot commit. `lock`: the conversation it touches, locked
    /// in id order with the batch's others before any job runs.
    struct write_job {
        std::size_t shard;
        std::string lock;
        std::function<completion(pg_writer_db&, std::int64_t now_ms,
                                 std::vector<committed_entry>& feed)>
            run;
        std::function<completion()> fail;
    };
    struct read_job {
        std::size_t shard;
        std::function<completion(pg_reader_db&)> run;
        std::function<completion()> fail;
    };

private:
    /// A connection's retry schedule: the first retry at once, then doubling up to 5 s.
    struct backoff {
        std::chrono::steady_clock::time_point next{};
        std::chrono::milliseconds delay{100};
        bool lost = false; // a connection was lost and not yet reopened (for the log)
    };

    void write(write_job job);
    void read_job_push(read_job job);
    void writer_loop();
    void commit_batch(std::vector<write_job>& jobs, const offline_sink& sink);
    void reader_loop();
    void listener_loop();
    bool wait_stopping_for(std::chrono::milliseconds d);
    void deliver(std::vector<std::pair<std::size_t, completion>>& done, const feed_batch& feed);
    bool reconnect_writer();
    bool reconnect_reader();

    std::string url_;
    std::string node_; // this store's name in the feed's notifications (random per start)
    std::unique_ptr<pg_writer_db> writer_;
    std::unique_ptr<pg_reader_db> reader_;
    std::unique_ptr<pg_reader_db> listener_;  // opened by the constructor, then the listener's
    backoff writer_backoff_, reader_backoff_; // each used by its thread only
    std::mt19937_64 group_ids_{std::random_device{}()}; // used on the writer thread only
    int stop_fd_ = -1; // an eventfd that wakes the listener's poll at stop

    mutable std::mutex mutex_; // guards everything below (short holds)
    std::condition_variable write_ready_, read_ready_, stop_ready_;
    std::deque<write_job> writes_;
    std::deque<read_job> reads_;
    std::vector<poster> posters_;
    std::vector<std::function<void(feed_batch)>> feeds_;
    offline_sink offline_sink_;
    bool stopping_ = false;
    store_stats stats_;

    std::thread writer_thread_, reader_thread_, listener_thread_;
};

} // namespace imedge::store
