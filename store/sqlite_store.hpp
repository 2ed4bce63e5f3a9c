// The embedded store: one SQLite file (WAL) under --data-dir, one writer thread that commits
// whatever is pending as one transaction (group commit) and one reader thread. Completions and
// the committed feed go back to each shard with one post per shard per batch.
#pragma once

#include "queued_store.hpp"
#include "sqlite_conn.hpp"

#include <thread>

namespace imedge::store {

class writer_db;
class reader_db;

using sqlite_store_stats = store_stats;

// Instantiated once, in sqlite_store.cpp, where the two Db types are complete.
extern template class queued_store<writer_db, reader_db>;

/// Thread safety: every call may come from any thread (each shard uses its own index).
/// stop() (or the destructor) finishes what is queued, then joins; later calls are dropped.
class sqlite_store final : public queued_store<writer_db, reader_db> {
public:
    sqlite_store(const std::string& directory, durability d, std::size_t shards);
    ~sqlite_store() override;

    void stop() override;

private:
    void writer_loop();
    void reader_loop();

    std::unique_ptr<writer_db> writer_;
    std::unique_ptr<reader_db> reader_;
    std::thread writer_thread_, reader_thread_;
};

} // namespace imedge::store
