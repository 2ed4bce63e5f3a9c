// A stand-in for a shard's executor in store tests: posted work queues up here and the test
// runs it on its own thread, waiting (with a deadline) until a condition holds.
#pragma once

#include "store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>

namespace imedge::store::test {

class test_shard {
public:
    poster make_poster() {
        return [this](std::function<void()> f) {
            {
                std::lock_guard lock(mutex_);
                queue_.push_back(std::move(f));
                ++posts_;
            }
            ready_.notify_one();
        };
    }

    /// Runs posted work until `done()` holds; false after 30 s (generous: the
    /// PostgreSQL cases on a loaded 2-core machine).
    template <class P> bool run_until(P done) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!done()) {
            std::function<void()> f;
            {
                std::unique_lock lock(mutex_);
                if (!ready_.wait_until(lock, deadline, [&] { return !queue_.empty(); }))
                    return false;
                f = std::move(queue_.front());
                queue_.pop_front();
            }
            f();
        }
        return true;
    }

    std::size_t posts() {
        std::lock_guard lock(mutex_);
        return posts_;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> queue_;
    std::size_t posts_ = 0;
};

/// A fresh directory under the system temp dir, removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::random_device r;
        path = std::filesystem::temp_directory_path() /
               ("imedge-store-test-" + std::to_string(r()) + std::to_string(r()));
        std::filesystem::create_directories(path);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

} // namespace imedge::store::test
