// The SQLite store's two threads: group commit on the writer, reads on the reader, and the
// hand-back of completions to the shards.
#include "sqlite_store.hpp"

#include "queued_store_impl.hpp"

#include "sqlite_reader.hpp"
#include "sqlite_writer.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace imedge::store {

template class queued_store<writer_db, reader_db>;

sqlite_store::sqlite_store(const std::string& directory, durability d, std::size_t shards)
    : queued_store(shards) {
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
    if (!queues_.begin_stop())
        return;
    writer_thread_.join();
    reader_thread_.join();
}

void sqlite_store::writer_loop() {
    for (;;) {
        std::vector<write_job> jobs;
        offline_sink sink;
        if (!queues_.take_writes(jobs, sink))
            return;
        writer_->track_offline(static_cast<bool>(sink));
        shard_completions done;
        done.reserve(jobs.size());
        auto entries = std::make_shared<std::vector<committed_entry>>();
        bool failed = false;
        try {
            writer_->begin();
            auto now = wall_clock_ms();
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
        queues_.count_batch(failed, jobs.size());
        queues_.deliver(done, std::move(entries));
        // After the acks are posted: the push hand-off never delays a sender.
        auto offline = writer_->take_offline();
        if (sink && !offline.empty())
            sink(std::make_shared<const std::vector<offline_entry>>(std::move(offline)));
    }
}

void sqlite_store::reader_loop() {
    for (;;) {
        std::vector<read_job> jobs;
        if (!queues_.take_reads(jobs))
            return;
        shard_completions done;
        for (auto& job : jobs) {
            try {
                done.emplace_back(job.shard, job.run(*reader_));
            } catch (const sqlite_failure& e) {
                fmt::print(stderr, "imedge: store: read failed: {}\n", e.what());
                reader_->reset_all();
                done.emplace_back(job.shard, job.fail()); // the caller hears io_error
            }
        }
        queues_.deliver(done, nullptr);
    }
}

} // namespace imedge::store
