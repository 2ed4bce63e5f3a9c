// The embedded store: one SQLite file (WAL) under --data-dir, one writer thread that commits
// whatever is pending as one transaction (group commit) and one reader thread. Completions and
// the committed feed go back to each shard with one post per shard per batch.
#pragma once

#include "sqlite_conn.hpp"
#include "store.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>

namespace imedge::store {

class writer_db;
class reader_db;

using sqlite_store_stats = store_stats;

/// Thread safety: every call may come from any thread (each shard uses its own index).
/// stop() (or the destructor) finishes what is queued, then joins; later calls are dropped.
class sqlite_store final : public store {
public:
    sqlite_store(const std::string& directory, durability d, std::size_t shards);
    ~sqlite_store() override;

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

    /// A completion to post to a shard: runs there, after the batch it belongs to committed.
    using completion = std::function<void()>;
    /// A write runs inside the writer's transaction and returns its completion; `fail` gives
    /// the completion to use instead when the transaction rolls back.
    struct write_job {
        std::size_t shard;
        std::function<completion(writer_db&, std::int64_t now_ms,
                                 std::vector<committed_entry>& feed)>
            run;
        std::function<completion()> fail;
    };
    struct read_job {
        std::size_t shard;
        std::function<completion(reader_db&)> run;
    };

private:
    void write(write_job job);
    void read_job_push(read_job job);
    void writer_loop();
    void reader_loop();
    void deliver(std::vector<std::pair<std::size_t, completion>>& done, const feed_batch& feed);

    std::unique_ptr<writer_db> writer_;
    std::unique_ptr<reader_db> reader_;
    std::mt19937_64 group_ids_{std::random_device{}()}; // used on the writer thread only

    mutable std::mutex mutex_; // guards everything below, shared by both queues (short holds)
    std::condition_variable write_ready_, read_ready_;
    std::deque<write_job> writes_;
    std::deque<read_job> reads_;
    std::vector<poster> posters_;
    std::vector<std::function<void(feed_batch)>> feeds_;
    offline_sink offline_sink_;
    bool stopping_ = false;
    sqlite_store_stats stats_;

    std::thread writer_thread_, reader_thread_;
};

} // namespace imedge::store
