// The shared store: one PostgreSQL database used by every node of a cluster. Per node, one writer
// thread commits whatever is pending as one transaction (group commit, as sqlite_store does),
// one reader thread serves reads, and one listener thread receives the other nodes' commits
// (LISTEN/NOTIFY, pg_feed.hpp) and feeds them to this node's shards. Each thread has its own
// connection; libpq's blocking calls never run on a shard. A lost connection fails the calls
// it was serving with status::io_error and is reopened with a growing delay (logged); calls
// that arrive while it is down fail at once rather than wait.
#pragma once

#include "queued_store.hpp"

#include <chrono>
#include <thread>

namespace imedge::store {

class pg_writer_db;
class pg_reader_db;

// Instantiated once, in pg_store.cpp, where the two Db types are complete.
extern template class queued_store<pg_writer_db, pg_reader_db>;

/// Thread safety: every call may come from any thread (each shard uses its own index).
/// stop() (or the destructor) finishes what is queued, then joins; later calls are dropped.
class pg_store final : public queued_store<pg_writer_db, pg_reader_db> {
public:
    /// Connects (the writer creates the schema if it is absent); throws pg_failure when the
    /// database cannot be reached at start.
    pg_store(const std::string& url, std::size_t shards);
    ~pg_store() override;

    void stop() override;

private:
    /// A connection's retry schedule: the first retry at once, then doubling up to 5 s.
    struct backoff {
        std::chrono::steady_clock::time_point next{};
        std::chrono::milliseconds delay{100};
        bool lost = false; // a connection was lost and not yet reopened (for the log)
    };

    void writer_loop();
    void commit_batch(std::vector<write_job>& jobs, const offline_sink& sink);
    void reader_loop();
    void listener_loop();
    bool reconnect_writer();
    bool reconnect_reader();

    std::string url_;
    std::string node_; // this store's name in the feed's notifications (random per start)
    std::unique_ptr<pg_writer_db> writer_;
    std::unique_ptr<pg_reader_db> reader_;
    std::unique_ptr<pg_reader_db> listener_;  // opened by the constructor, then the listener's
    backoff writer_backoff_, reader_backoff_; // each used by its thread only
    int stop_fd_ = -1;                        // an eventfd that wakes the listener's poll at stop

    std::thread writer_thread_, reader_thread_, listener_thread_;
};

} // namespace imedge::store
