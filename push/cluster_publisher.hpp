// A node's link to its cluster, outgoing half: every emit of this node's programs (the emit
// observer, on any shard) and every room change or disconnect addressed to a socket elsewhere
// (the room-change observer) is queued here and published to Redis by a thread of its own, in
// the order each shard made them, as the socket.io redis-adapter would
// (push/cluster_message.hpp, push/cluster_request.hpp): one queue and one connection, so a
// join followed by an emit to the room reaches the other nodes in that order.
// The incoming half is redis_push, which reads the same channels and ignores this node's uid.
//
// Bounded: past `max_queued_bytes` of emits not yet published, an emit is not published and is
// counted (`dropped_queue_full`): the local delivery already happened, the other nodes miss it.
// Redis down: the queue fills while the thread reconnects with backoff; emits past the bound
// are counted as above. A connection Redis closed while idle (a restart) is noticed before the
// next batch is taken, so that batch goes out on the new connection instead of being lost. Nothing
// here blocks a shard but one short mutex hold per emit.
#pragma once

#include "push/cluster_message.hpp"
#include "push/cluster_request.hpp"
#include "push/redis_url.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

namespace imedge::push {

struct cluster_counters {
    std::atomic<std::uint64_t> published{0};
    std::atomic<std::uint64_t> dropped_queue_full{0};
    std::atomic<std::uint64_t> dropped_bad_args{0};
    std::atomic<std::uint64_t> dropped_redis_down{0}; // lost with a connection mid-publish
    std::atomic<bool> connected{false};               // a publishing connection is open
};

/// The counters as the JSON object /healthz shows under "cluster".
std::string cluster_counts_json(const cluster_counters& c);

class cluster_publisher {
public:
    cluster_publisher(redis_endpoint endpoint, std::string key, std::string uid,
                      std::size_t max_queued_bytes);
    ~cluster_publisher();
    cluster_publisher(const cluster_publisher&) = delete;
    cluster_publisher& operator=(const cluster_publisher&) = delete;

    /// Thread-safe; returns at once.
    void publish(cluster_emit e);
    /// Thread-safe; returns at once. Queued behind the emits published before it.
    void publish(cluster_request r);
    /// Publishes what is queued (up to a second), then stops the thread; idempotent.
    void stop();

    const std::string& uid() const { return uid_; }
    const cluster_counters& counters() const { return counters_; }
    std::string summary() const;

private:
    void run();
    using item = std::variant<cluster_emit, cluster_request>;
    void enqueue(item i, std::size_t bytes);
    std::string session(); // one connection's life; returns why it ended

    redis_endpoint endpoint_;
    std::string key_;
    std::string uid_;
    std::size_t max_bytes_;
    cluster_counters counters_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<item> queue_;       // guarded by mutex_
    std::size_t queued_bytes_ = 0; // guarded by mutex_
    bool stopping_ = false;        // guarded by mutex_
    std::thread thread_;
};

} // namespace imedge::push
