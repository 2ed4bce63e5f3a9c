// The PostgreSQL store's three threads: group commit on the writer, reads on the reader, other
// nodes' commits on the listener; and the hand-back of completions and feeds to the shards.
#include "pg_store.hpp"

#include "pg_feed.hpp"
#include "pg_reader.hpp"
#include "pg_writer.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

namespace imedge::store {
namespace {

constexpr std::size_t max_batch = 8192; // bounds one transaction's size and latency
constexpr int max_attempts = 5;         // runs of one batch the server aborted as a deadlock
constexpr std::chrono::milliseconds max_delay{5000};

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

template <class T> using shared_done = std::shared_ptr<std::function<void(T)>>;
template <class T> shared_done<T> share(std::function<void(T)> f) {
    return std::make_shared<std::function<void(T)>>(std::move(f));
}

} // namespace

pg_store::pg_store(const std::string& url, std::size_t shards)
    : url_(url), posters_(shards), feeds_(shards) {
    node_ =
        fmt::format("{:016x}", std::random_device{}() * 0x100000000ull + std::random_device{}());
    writer_ = std::make_unique<pg_writer_db>(url_); // creates the schema before anyone reads
    reader_ = std::make_unique<pg_reader_db>(url_);
    // Listening before the constructor returns: whatever another node commits from then on
    // reaches this node's feed.
    listener_ = std::make_unique<pg_reader_db>(url_);
    listener_->connection().script(fmt::format("LISTEN {}", feed_channel).c_str());
    stop_fd_ = eventfd(0, EFD_CLOEXEC);
    writer_thread_ = std::thread([this] { writer_loop(); });
    reader_thread_ = std::thread([this] { reader_loop(); });
    listener_thread_ = std::thread([this] { listener_loop(); });
}

pg_store::~pg_store() {
    stop();
    if (stop_fd_ >= 0)
        ::close(stop_fd_);
}

void pg_store::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        stopping_ = true;
    }
    write_ready_.notify_all();
    read_ready_.notify_all();
    stop_ready_.notify_all();
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    writer_thread_.join();
    reader_thread_.join();
    listener_thread_.join();
}

store_stats pg_store::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

bool pg_store::wait_stopping_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return stop_ready_.wait_for(lock, d, [&] { return stopping_; });
}

void pg_store::attach_shard(std::size_t index, poster post, std::function<void(feed_batch)> feed) {
    std::lock_guard lock(mutex_);
    posters_.at(index) = std::move(post);
    feeds_.at(index) = std::move(feed);
}

void pg_store::set_offline_sink(offline_sink sink) {
    std::lock_guard lock(mutex_);
    offline_sink_ = std::move(sink);
}

void pg_store::write(write_job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        writes_.push_back(std::move(job));
    }
    write_ready_.notify_one();
}

void pg_store::read_job_push(read_job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        reads_.push_back(std::move(job));
    }
    read_ready_.notify_one();
}

void pg_store::deliver(std::vector<std::pair<std::size_t, completion>>& done,
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

// Reopens a lost connection when its delay has passed; false while it is still down.
bool pg_store::reconnect_writer() {
    auto& b = writer_backoff_;
    if (writer_->usable())
        return true;
    if (std::chrono::steady_clock::now() < b.next)
        return false;
    try {
        writer_->reconnect();
        fmt::print(stderr, "imedge: store: writer reconnected to PostgreSQL\n");
        b = {};
        return true;
    } catch (const pg_failure& e) {
        fmt::print(stderr,
                   "imedge: store: writer cannot reach PostgreSQL (next try in {} ms): {}\n",
                   b.delay.count(), e.what());
        b.next = std::chrono::steady_clock::now() + b.delay;
        b.delay = std::min(b.delay * 2, max_delay);
        return false;
    }
}

void pg_store::writer_loop() {
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
        commit_batch(jobs, sink);
    }
}

void pg_store::commit_batch(std::vector<write_job>& jobs, const offline_sink& sink) {
    std::vector<std::pair<std::size_t, completion>> done;
    auto entries = std::make_shared<std::vector<committed_entry>>();
    bool failed = !reconnect_writer();
    writer_->track_offline(static_cast<bool>(sink));
    for (int attempt = 1; !failed; ++attempt) {
        done.clear();
        entries->clear();
        try {
            writer_->begin();
            std::set<std::string> locks;
            for (const auto& job : jobs)
                if (!job.lock.empty())
                    locks.insert(job.lock);
            for (const auto& id : locks)
                writer_->lock(id);
            auto now = now_ms();
            for (auto& job : jobs)
                done.emplace_back(job.shard, job.run(*writer_, now, *entries));
            writer_->commit(node_);
            break;
        } catch (const pg_failure& e) {
            const bool retry = e.retryable() && attempt < max_attempts && writer_->usable();
            fmt::print(stderr, "imedge: store: transaction of {} writes rolled back{}: {}\n",
                       jobs.size(), retry ? " (running it again)" : "", e.what());
            writer_->rollback(retry);
            if (!writer_->usable())
                fmt::print(stderr, "imedge: store: writer lost its PostgreSQL connection\n");
            failed = !retry;
        }
    }
    if (failed) {
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
    auto offline = writer_->take_offline();
    if (sink && !offline.empty())
        sink(std::make_shared<const std::vector<offline_entry>>(std::move(offline)));
}

bool pg_store::reconnect_reader() {
    auto& b = reader_backoff_;
    if (reader_ && reader_->usable())
        return true;
    if (std::chrono::steady_clock::now() < b.next)
        return false;
    try {
        reader_ = std::make_unique<pg_reader_db>(url_);
        fmt::print(stderr, "imedge: store: reader reconnected to PostgreSQL\n");
        b = {};
        return true;
    } catch (const pg_failure& e) {
        reader_.reset();
        fmt::print(stderr,
                   "imedge: store: reader cannot reach PostgreSQL (next try in {} ms): {}\n",
                   b.delay.count(), e.what());
        b.next = std::chrono::steady_clock::now() + b.delay;
        b.delay = std::min(b.delay * 2, max_delay);
        return false;
    }
}

void pg_store::reader_loop() {
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
            if (!reconnect_reader()) {
                done.emplace_back(job.shard, job.fail());
                continue;
            }
            try {
                done.emplace_back(job.shard, job.run(*reader_));
            } catch (const pg_failure& e) {
                fmt::print(stderr, "imedge: store: read failed: {}\n", e.what());
                if (!reader_->usable())
                    fmt::print(stderr, "imedge: store: reader lost its PostgreSQL connection\n");
                done.emplace_back(job.shard, job.fail());
            }
        }
        deliver(done, nullptr);
    }
}

void pg_store::listener_loop() {
    auto conn = std::move(listener_);
    backoff b;
    for (;;) {
        if (!conn) {
            try {
                conn = std::make_unique<pg_reader_db>(url_);
                conn->connection().script(fmt::format("LISTEN {}", feed_channel).c_str());
                if (b.lost)
                    fmt::print(stderr, "imedge: store: feed listener reconnected to PostgreSQL\n");
                b = {};
            } catch (const pg_failure& e) {
                conn.reset();
                b.lost = true;
                fmt::print(stderr,
                           "imedge: store: feed listener cannot reach PostgreSQL (next try in {} "
                           "ms): {}\n",
                           b.delay.count(), e.what());
                if (wait_stopping_for(b.delay))
                    return;
                b.delay = std::min(b.delay * 2, max_delay);
                continue;
            }
        }
        auto* pg = conn->connection().handle();
        try {
            // What arrived during the last round's reads is queued already: take it before
            // waiting on the socket again.
            std::vector<std::string> payloads;
            while (PGnotify* n = PQnotifies(pg)) {
                payloads.emplace_back(n->extra);
                PQfreemem(n);
            }
            if (payloads.empty()) {
                pollfd fds[2] = {{PQsocket(pg), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
                if (::poll(fds, 2, -1) < 0 && errno != EINTR)
                    throw pg_failure("poll failed", {}, true);
                if (fds[1].revents != 0)
                    return;
                if (PQconsumeInput(pg) == 0)
                    throw pg_failure(PQerrorMessage(pg), {}, true);
                continue;
            }
            auto batch = std::make_shared<std::vector<committed_entry>>();
            std::string node;
            std::vector<committed_range> ranges;
            for (const auto& p : payloads) {
                if (!parse_feed_payload(p, node, ranges) || node == node_)
                    continue; // this node's own commits were fed by its writer
                for (const auto& r : ranges) {
                    auto rows = conn->committed(r.conversation, r.first, r.last);
                    batch->insert(batch->end(), rows.begin(), rows.end());
                }
            }
            std::vector<std::pair<std::size_t, completion>> none;
            deliver(none, std::move(batch));
        } catch (const pg_failure& e) {
            fmt::print(stderr, "imedge: store: feed listener lost its PostgreSQL connection: {}\n",
                       e.what());
            conn.reset();
            b.lost = true;
        }
    }
}

void pg_store::append(std::size_t shard, append_request r,
                      std::function<void(append_result)> done) {
    auto cb = share(std::move(done));
    auto lock = r.conversation;
    write({shard, std::move(lock),
           [r = std::move(r), cb](pg_writer_db& db, std::int64_t now,
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

void pg_store::create_group(std::size_t shard, std::string owner, std::string title,
                            std::vector<std::string> members, std::size_t cap, group_access access,
                            std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    write({shard,
           {},
           [owner = std::move(owner), title = std::move(title), members = std::move(members), cap,
            access, cb,
            this](pg_writer_db& db, std::int64_t, std::vector<committed_entry>&) -> completion {
               auto id = fmt::format("g:{:016x}", group_ids_());
               auto result = db.create_group(id, owner, title, members, cap, access);
               return [cb, result = std::move(result)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
           }});
}

void pg_store::change_group(std::size_t shard, group_change change,
                            std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    auto lock = change.group;
    write({shard, std::move(lock),
           [change = std::move(change), cb](pg_writer_db& db, std::int64_t,
                                            std::vector<committed_entry>&) -> completion {
               return [cb, result = db.change_group(change)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
           }});
}

void pg_store::set_receipt(std::size_t shard, std::string user, std::string conversation,
                           std::string kind, std::uint64_t seq,
                           std::function<void(receipt_result)> done) {
    auto cb = share(std::move(done));
    auto lock = conversation;
    write({shard, std::move(lock),
           [user = std::move(user), conversation = std::move(conversation), kind = std::move(kind),
            seq, cb](pg_writer_db& db, std::int64_t, std::vector<committed_entry>&) -> completion {
               return
                   [cb, result = db.set_receipt(user, conversation, kind, seq)] { (*cb)(result); };
           },
           [cb]() -> completion {
               return [cb] { (*cb)(receipt_result{status::io_error, 0, {}}); };
           }});
}

void pg_store::set_presence(std::size_t shard, std::string user, bool online,
                            std::function<void(presence_change)> done) {
    auto cb = share(std::move(done));
    write({shard,
           {},
           [user = std::move(user), online, cb](pg_writer_db& db, std::int64_t now,
                                                std::vector<committed_entry>&) -> completion {
               return [cb, result = db.set_presence(user, online, now)] { (*cb)(result); };
           },
           // As in sqlite_store: the count lives in memory and has moved; only last_seen was
           // not stored.
           [cb]() -> completion { return nullptr; }});
}

void pg_store::presence(std::size_t shard, std::vector<std::string> users,
                        std::function<void(std::vector<presence_state>)> done) {
    auto cb = share(std::move(done));
    write({shard,
           {},
           [users = std::move(users), cb](pg_writer_db& db, std::int64_t,
                                          std::vector<committed_entry>&) -> completion {
               return [cb, result = db.presence(users)] { (*cb)(result); };
           },
           [cb]() -> completion { return [cb] { (*cb)({}); }; }});
}

void pg_store::read(std::size_t shard, read_request r, std::function<void(read_result)> done) {
    auto cb = share(std::move(done));
    read_job_push({shard,
                   [r = std::move(r), cb](pg_reader_db& db) -> completion {
                       return [cb, result = db.read(r)] { (*cb)(result); };
                   },
                   [cb]() -> completion {
                       return [cb] { (*cb)(read_result{status::io_error, {}}); };
                   }});
}

void pg_store::members(std::size_t shard, std::string user, std::string conversation,
                       std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    read_job_push({shard,
                   [user = std::move(user), conversation = std::move(conversation),
                    cb](pg_reader_db& db) -> completion {
                       return [cb, result = db.members(user, conversation)] { (*cb)(result); };
                   },
                   [cb]() -> completion {
                       return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
                   }});
}

void pg_store::conversations(std::size_t shard, std::string user,
                             std::function<void(std::vector<conversation_summary>)> done) {
    auto cb = share(std::move(done));
    read_job_push({shard,
                   [user = std::move(user), cb](pg_reader_db& db) -> completion {
                       return [cb, result = db.conversations(user)] { (*cb)(result); };
                   },
                   // The list has no status: a failed read answers as an empty one.
                   [cb]() -> completion { return [cb] { (*cb)({}); }; }});
}

} // namespace imedge::store
