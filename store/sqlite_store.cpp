// The SQLite store's two threads: group commit on the writer, reads on the reader, and the
// hand-back of completions to the shards.
#include "sqlite_store.hpp"

#include "sqlite_reader.hpp"
#include "sqlite_writer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <random>

namespace imedge::store {
namespace {

constexpr std::size_t max_batch = 8192; // bounds one transaction's size and latency

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Shares one completion callback between a job's run and fail paths (only one is used).
template <class T> using shared_done = std::shared_ptr<std::function<void(T)>>;
template <class T> shared_done<T> share(std::function<void(T)> f) {
    return std::make_shared<std::function<void(T)>>(std::move(f));
}

} // namespace

sqlite_store::sqlite_store(const std::string& directory, durability d, std::size_t shards)
    : posters_(shards), feeds_(shards) {
    std::filesystem::create_directories(directory);
    auto path = (std::filesystem::path(directory) / "imedge.sqlite3").string();
    writer_ = std::make_unique<writer_db>(path, d); // creates the schema before the reader opens
    reader_ = std::make_unique<reader_db>(path, d);
    writer_thread_ = std::thread([this] { writer_loop(); });
    reader_thread_ = std::thread([this] { reader_loop(); });
}

sqlite_store::~sqlite_store() {
    stop();
}

void sqlite_store::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        stopping_ = true;
    }
    write_ready_.notify_all();
    read_ready_.notify_all();
    writer_thread_.join();
    reader_thread_.join();
}

sqlite_store_stats sqlite_store::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void sqlite_store::attach_shard(std::size_t index, poster post,
                                std::function<void(feed_batch)> feed) {
    std::lock_guard lock(mutex_);
    posters_.at(index) = std::move(post);
    feeds_.at(index) = std::move(feed);
}

void sqlite_store::set_offline_sink(offline_sink sink) {
    std::lock_guard lock(mutex_);
    offline_sink_ = std::move(sink);
}

void sqlite_store::write(write_job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        writes_.push_back(std::move(job));
    }
    write_ready_.notify_one();
}

void sqlite_store::read_job_push(read_job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        reads_.push_back(std::move(job));
    }
    read_ready_.notify_one();
}

void sqlite_store::deliver(std::vector<std::pair<std::size_t, completion>>& done,
                           const feed_batch& feed) {
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

void sqlite_store::writer_loop() {
    for (;;) {
        std::vector<write_job> jobs;
        offline_sink sink;
        {
            std::unique_lock lock(mutex_);
            write_ready_.wait(lock, [&] { return stopping_ || !writes_.empty(); });
            if (writes_.empty())
                return; // stopping, and everything queued is done
            while (!writes_.empty() && jobs.size() < max_batch) {
                jobs.push_back(std::move(writes_.front()));
                writes_.pop_front();
            }
            sink = offline_sink_;
        }
        writer_->track_offline(static_cast<bool>(sink));
        std::vector<std::pair<std::size_t, completion>> done;
        done.reserve(jobs.size());
        auto entries = std::make_shared<std::vector<committed_entry>>();
        bool failed = false;
        try {
            writer_->begin();
            auto now = now_ms();
            for (auto& job : jobs)
                done.emplace_back(job.shard, job.run(*writer_, now, *entries));
            writer_->commit();
        } catch (const sqlite_failure& e) {
            fmt::print(stderr, "imedge: store: transaction of {} writes rolled back: {}\n",
                       jobs.size(), e.what());
            writer_->rollback();
            failed = true;
            entries->clear();
            done.clear();
            for (auto& job : jobs)
                done.emplace_back(job.shard, job.fail());
        }
        {
            std::lock_guard lock(mutex_);
            ++(failed ? stats_.failures : stats_.batches);
            stats_.writes += jobs.size();
        }
        deliver(done, std::move(entries));
        // After the acks are posted: the push hand-off never delays a sender.
        auto offline = writer_->take_offline();
        if (sink && !offline.empty())
            sink(std::make_shared<const std::vector<offline_entry>>(std::move(offline)));
    }
}

void sqlite_store::reader_loop() {
    for (;;) {
        std::vector<read_job> jobs;
        {
            std::unique_lock lock(mutex_);
            read_ready_.wait(lock, [&] { return stopping_ || !reads_.empty(); });
            if (reads_.empty())
                return;
            while (!reads_.empty() && jobs.size() < 256) {
                jobs.push_back(std::move(reads_.front()));
                reads_.pop_front();
            }
        }
        std::vector<std::pair<std::size_t, completion>> done;
        for (auto& job : jobs) {
            try {
                done.emplace_back(job.shard, job.run(*reader_));
            } catch (const sqlite_failure& e) {
                fmt::print(stderr, "imedge: store: read failed: {}\n", e.what());
                reader_->reset_all();
            }
        }
        deliver(done, nullptr);
    }
}

void sqlite_store::append(std::size_t shard, append_request r,
                          std::function<void(append_result)> done) {
    auto cb = share(std::move(done));
    write({shard,
           [r = std::move(r), cb](writer_db& db, std::int64_t now,
                                  std::vector<committed_entry>& feed) -> completion {
               std::shared_ptr<const std::vector<std::string>> recipients;
               auto result = db.append(r, now, recipients);
               if (recipients)
                   feed.push_back({result.stored, recipients});
               return [cb, result = std::move(result)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(append_result{status::io_error, nullptr, false}); };
           }});
}

void sqlite_store::create_group(std::size_t shard, std::string owner, std::string title,
                                std::vector<std::string> members, std::size_t cap,
                                group_access access, std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    write({shard,
           [owner = std::move(owner), title = std::move(title), members = std::move(members), cap,
            access, cb,
            this](writer_db& db, std::int64_t, std::vector<committed_entry>&) -> completion {
               auto id = fmt::format("g:{:016x}", group_ids_());
               auto result = db.create_group(id, owner, title, members, cap, access);
               return [cb, result = std::move(result)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
           }});
}

void sqlite_store::change_group(std::size_t shard, group_change change,
                                std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    write({shard,
           [change = std::move(change), cb](writer_db& db, std::int64_t,
                                            std::vector<committed_entry>&) -> completion {
               return [cb, result = db.change_group(change)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
           }});
}

void sqlite_store::set_receipt(std::size_t shard, std::string user, std::string conversation,
                               std::string kind, std::uint64_t seq,
                               std::function<void(receipt_result)> done) {
    auto cb = share(std::move(done));
    write({shard,
           [user = std::move(user), conversation = std::move(conversation), kind = std::move(kind),
            seq, cb](writer_db& db, std::int64_t, std::vector<committed_entry>&) -> completion {
               return
                   [cb, result = db.set_receipt(user, conversation, kind, seq)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(receipt_result{status::io_error, 0, {}}); };
           }});
}

void sqlite_store::read(std::size_t shard, read_request r, std::function<void(read_result)> done) {
    read_job_push({shard, [r = std::move(r), done = std::move(done)](reader_db& db) -> completion {
                       return [done, result = db.read(r)] { done(result); };
                   }});
}

void sqlite_store::members(std::size_t shard, std::string user, std::string conversation,
                           std::function<void(group_result)> done) {
    read_job_push({shard,
                   [user = std::move(user), conversation = std::move(conversation),
                    done = std::move(done)](reader_db& db) -> completion {
                       return [done, result = db.members(user, conversation)] { done(result); };
                   }});
}

void sqlite_store::conversations(std::size_t shard, std::string user,
                                 std::function<void(std::vector<conversation_summary>)> done) {
    read_job_push(
        {shard, [user = std::move(user), done = std::move(done)](reader_db& db) -> completion {
             return [done, result = db.conversations(user)] { done(result); };
         }});
}

void sqlite_store::set_presence(std::size_t shard, std::string user, bool online,
                                std::function<void(presence_change)> done) {
    auto cb = share(std::move(done));
    write({shard,
           [user = std::move(user), online, cb](writer_db& db, std::int64_t now,
                                                std::vector<committed_entry>&) -> completion {
               return [cb, result = db.set_presence(user, online, now)] { (*cb)(result); };
           },
           // The count lives in memory and has moved; only last_seen was not stored.
           [cb]() -> completion { return nullptr; }});
}

void sqlite_store::presence(std::size_t shard, std::vector<std::string> users,
                            std::function<void(std::vector<presence_state>)> done) {
    auto cb = share(std::move(done));
    write({shard,
           [users = std::move(users), cb](writer_db& db, std::int64_t,
                                          std::vector<committed_entry>&) -> completion {
               return [cb, result = db.presence(users)] { (*cb)(result); };
           },
           [cb]() -> completion { return [cb] { (*cb)({}); }; }});
}

} // namespace imedge::store
