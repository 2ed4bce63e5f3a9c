#include "push/cluster_publisher.hpp"

#include "push/redis_calls.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <poll.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

namespace imedge::push {
namespace {

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

// The channel and message text of one queued item; no message when an emit's args cannot be
// encoded.
std::pair<std::string, std::optional<std::string>>
encode(const std::variant<cluster_emit, cluster_request>& i, std::string_view key,
       std::string_view uid, simdjson::dom::parser& parser) {
    if (const auto* e = std::get_if<cluster_emit>(&i))
        return {cluster_channel(key, *e), encode_cluster_emit(uid, *e, parser)};
    const auto& r = std::get<cluster_request>(i);
    return {cluster_request_channel(key, r.nsp), encode_cluster_request(uid, r)};
}

// Redis sends nothing unasked on a publishing connection: anything to read (the end of the
// stream, an error) means the connection is gone. Does not wait.
bool closed_while_idle(int fd) {
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0;
}

std::size_t size_of(const cluster_emit& e) {
    std::size_t n = e.nsp.size() + e.event.size();
    for (const auto& s : e.data.items())
        n += s.size();
    for (const auto& s : e.data.attachments())
        n += s.size();
    for (const auto& s : e.rooms)
        n += s.size();
    for (const auto& s : e.except)
        n += s.size();
    return n;
}

std::size_t size_of(const cluster_request& r) {
    std::size_t n = r.nsp.size();
    for (const auto* list : {&r.rooms, &r.except, &r.room_names})
        for (const auto& s : *list)
            n += s.size();
    return n;
}

} // namespace

cluster_publisher::cluster_publisher(redis_endpoint endpoint, std::string key, std::string uid,
                                     std::size_t max_queued_bytes)
    : endpoint_(std::move(endpoint)), key_(std::move(key)), uid_(std::move(uid)),
      max_bytes_(max_queued_bytes), thread_([this] { run(); }) {}

cluster_publisher::~cluster_publisher() {
    stop();
}

void cluster_publisher::publish(cluster_emit e) {
    auto n = size_of(e);
    enqueue(std::move(e), n);
}

void cluster_publisher::publish(cluster_request r) {
    auto n = size_of(r);
    enqueue(std::move(r), n);
}

void cluster_publisher::enqueue(item i, std::size_t n) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        if (queued_bytes_ + n > max_bytes_) {
            counters_.dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        queued_bytes_ += n;
        queue_.push_back(std::move(i));
    }
    wake_.notify_one();
}

void cluster_publisher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

std::string cluster_publisher::summary() const {
    return fmt::format("cluster node {}: published {}, not published: queue full {}, bad args {}, "
                       "redis down {}",
                       uid_, counters_.published.load(), counters_.dropped_queue_full.load(),
                       counters_.dropped_bad_args.load(), counters_.dropped_redis_down.load());
}

std::string cluster_counts_json(const cluster_counters& c) {
    return fmt::format(R"({{"connected":{},"published":{},"queue_full":{},"bad_args":{},)"
                       R"("redis_down":{}}})",
                       c.connected.load(), c.published.load(), c.dropped_queue_full.load(),
                       c.dropped_bad_args.load(), c.dropped_redis_down.load());
}

void cluster_publisher::run() {
    using namespace std::chrono_literals;
    auto backoff = 100ms;
    for (;;) {
        auto before = counters_.published.load();
        auto why = session();
        counters_.connected.store(false);
        std::unique_lock lock(mutex_);
        if (stopping_)
            return;
        if (counters_.published.load() != before)
            backoff = 100ms;
        fmt::print(stderr, "imedge: cluster: redis {} unavailable ({}); retrying in {} ms\n",
                   describe(endpoint_), why, backoff.count());
        std::fflush(stderr);
        wake_.wait_for(lock, backoff, [&] { return stopping_; });
        if (stopping_)
            return;
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    }
}

std::string cluster_publisher::session() {
    timeval timeout{2, 0};
    context_ptr c(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, timeout));
    if (!c)
        return "out of memory";
    if (c->err)
        return c->errstr;
    // A publish waits at most this long for Redis: a stop() is then seen within it.
    redisSetTimeout(c.get(), timeout);
    redisEnableKeepAlive(c.get());
    if (auto why = redis_auth(c.get(), endpoint_))
        return *why;
    fmt::print("imedge: cluster: node {} publishing to {}\n", uid_, describe(endpoint_));
    counters_.connected.store(true);
    std::fflush(stdout);
    simdjson::dom::parser parser; // this thread's alone
    for (;;) {
        std::deque<item> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return "stopping"; // stopping, and everything queued was published
            // A connection that Redis closed while it was idle (a restart) would take this
            // batch and lose it; the batch stays queued for the next connection instead.
            if (closed_while_idle(c->fd))
                return "the connection was closed while idle";
            batch.swap(queue_);
            queued_bytes_ = 0;
        }
        // Pipelined: every PUBLISH of the batch is written, then the replies are read.
        std::size_t sent = 0;
        for (const auto& i : batch) {
            const auto [channel, message] = encode(i, key_, uid_, parser);
            if (!message) {
                counters_.dropped_bad_args.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            redisAppendCommand(c.get(), "PUBLISH %b %b", channel.data(), channel.size(),
                               message->data(), message->size());
            ++sent;
        }
        for (std::size_t i = 0; i < sent; ++i) {
            void* raw = nullptr;
            if (redisGetReply(c.get(), &raw) != REDIS_OK) {
                // Which of the unanswered ones Redis had is unknown: counted as lost.
                counters_.dropped_redis_down.fetch_add(sent - i, std::memory_order_relaxed);
                return c->errstr[0] ? c->errstr : "connection lost";
            }
            redis_reply_ptr r(static_cast<redisReply*>(raw)); // freed; PUBLISH answers a count
            counters_.published.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

} // namespace imedge::push
