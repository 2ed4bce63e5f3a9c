// One Redis pub/sub connection per process on a thread of its own (hiredis's blocking API:
// nothing here ever runs on a shard thread). It subscribes to channels and patterns, hands
// every message to a sink on that thread, and when Redis is down or restarts it says so on
// stderr, retries with exponential backoff (100 ms doubling to 5 s) and subscribes again.
// Readiness for tests and operators: after each (re)subscription it prints
// `imedge: push: redis subscribed to <url> (<n> channels)` on stdout.
#pragma once

#include "push/redis_url.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

struct redisContext;

namespace imedge::push {

class redis_subscriber {
public:
    /// Called on the subscriber thread for each message: (channel, payload).
    using sink = std::function<void(std::string_view, std::string_view)>;

    struct subscriptions {
        std::vector<std::string> channels;
        std::vector<std::string> patterns;
    };

    /// Starts the thread at once; it connects in the background.
    redis_subscriber(redis_endpoint endpoint, subscriptions subs, sink on_message);
    /// Stops and joins the thread.
    ~redis_subscriber();
    redis_subscriber(const redis_subscriber&) = delete;
    redis_subscriber& operator=(const redis_subscriber&) = delete;

    /// Thread-safe; idempotent. Interrupts a blocking read by shutting the socket down.
    void stop();

    std::uint64_t subscriptions_made() const { return subscribed_.load(); }

private:
    void run();
    /// One connection's life: connect, subscribe, read until an error or stop. Returns why it
    /// ended (empty when stopped).
    std::string session();
    void wait_backoff(std::chrono::milliseconds d);

    redis_endpoint endpoint_;
    subscriptions subs_;
    sink sink_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> subscribed_{0};
    std::mutex mutex_; // guards context_ against stop() shutting down its socket
    std::condition_variable wake_;
    redisContext* context_ = nullptr;
    std::thread thread_;
};

} // namespace imedge::push
