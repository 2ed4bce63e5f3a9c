// The PostgreSQL store's three threads: group commit on the writer, reads on the reader, other
// nodes' commits on the listener; and the hand-back of completions and feeds to the shards.
#include "pg_store.hpp"

#include "queued_store_impl.hpp"

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

template class queued_store<pg_writer_db, pg_reader_db>;
namespace {

constexpr int max_attempts = 5; // runs of one batch the server aborted as a deadlock
constexpr std::chrono::milliseconds max_delay{5000};
} // namespace

pg_store::pg_store(const std::string& url, std::size_t shards) : queued_store(shards), url_(url) {
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
    if (!queues_.begin_stop())
        return;
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    writer_thread_.join();
    reader_thread_.join();
    listener_thread_.join();
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
        if (!queues_.take_writes(jobs, sink))
            return;
        commit_batch(jobs, sink);
    }
}

void pg_store::commit_batch(std::vector<write_job>& jobs, const offline_sink& sink) {
    shard_completions done;
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
            auto now = wall_clock_ms();
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
    queues_.count_batch(failed, jobs.size());
    queues_.deliver(done, std::move(entries));
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
        if (!queues_.take_reads(jobs))
            return;
        shard_completions done;
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
        queues_.deliver(done, nullptr);
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
                if (queues_.wait_stopping_for(b.delay))
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
            shard_completions none;
            queues_.deliver(none, std::move(batch));
        } catch (const pg_failure& e) {
            fmt::print(stderr, "imedge: store: feed listener lost its PostgreSQL connection: {}\n",
                       e.what());
            conn.reset();
            b.lost = true;
        }
    }
}

} // namespace imedge::store
