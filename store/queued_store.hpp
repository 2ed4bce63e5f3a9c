// The IM operations of a store whose writes run on one writer thread, against a `WriterDb`,
// and whose reads run on one reader thread, against a `ReaderDb`: every call becomes a job on
// the job queues (job_queues.hpp) whose completion goes back to the calling shard. The SQLite
// and PostgreSQL stores derive from it and differ only in their threads: how a batch commits,
// retries and reconnects (each store's .cpp). Both Db types offer the same calls.
#pragma once

#include "job_queues.hpp"
#include "store.hpp"

#include <random>

namespace imedge::store {

template <class WriterDb, class ReaderDb> class queued_store : public store {
public:
    /// A write runs inside the writer's transaction and returns its completion; it may run again
    /// when the database aborts the transaction as a deadlock (PostgreSQL). `fail` gives the
    /// completion to use when the transaction cannot commit. `lock`: the conversation or group
    /// it touches, which PostgreSQL locks in id order with the batch's others before any job
    /// runs (SQLite's one writer needs no row lock).
    struct write_job {
        std::size_t shard;
        std::string lock;
        std::function<completion(WriterDb&, std::int64_t now_ms,
                                 std::vector<committed_entry>& feed)>
            run;
        std::function<completion()> fail;
    };
    /// A read returns its completion; `fail` gives the one to use when it throws.
    struct read_job {
        std::size_t shard;
        std::function<completion(ReaderDb&)> run;
        std::function<completion()> fail;
    };

    explicit queued_store(std::size_t shards) : queues_(shards) {}

    void attach_shard(std::size_t index, poster post,
                      std::function<void(feed_batch)> feed) override {
        queues_.attach_shard(index, std::move(post), std::move(feed));
    }
    void set_offline_sink(offline_sink sink) override { queues_.set_offline_sink(std::move(sink)); }
    store_stats stats() const override { return queues_.stats(); }

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

protected:
    job_queues<write_job, read_job> queues_;

private:
    std::mt19937_64 group_ids_{std::random_device{}()}; // used on the writer thread only
};

} // namespace imedge::store
