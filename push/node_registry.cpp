// node_registry: a node's address in Redis, and the other nodes' looked up by tag.
#include "push/node_registry.hpp"

#include "push/redis_calls.hpp"

#include "server/core/ids.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>

namespace imedge::push {
namespace {

using namespace std::chrono_literals;

// The key lives three refresh periods: a node whose refresh is late once keeps its address.
constexpr auto refresh_period = 5s;
constexpr long long key_lifetime_ms = 15000;

struct context_deleter {
    void operator()(redisContext* c) const { redisFree(c); }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

// A tag is as random as the ids it goes into: the first characters of a fresh id (24 bits). Two
// nodes drawing the same one is seen at registration (the key exists) and logged.
std::string draw_tag() {
    return server::id_generator(0).next().substr(0, server::id_generator::node_tag_chars);
}

} // namespace

node_registry::node_registry(redis_endpoint endpoint, std::string key)
    : endpoint_(std::move(endpoint)), key_(std::move(key)), tag_(draw_tag()) {}

node_registry::~node_registry() {
    stop();
}

std::string node_registry::key_of(std::string_view tag) const {
    return fmt::format("{}-node#{}", key_, tag);
}

void node_registry::start(std::string address) {
    address_ = std::move(address);
    thread_ = std::thread([this] { run(); });
}

void node_registry::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        lookups_.clear(); // their shards bound their own waits
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void node_registry::find(std::string tag, std::function<void(std::string address)> done) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_)
            return;
        lookups_.push_back({std::move(tag), std::move(done)});
    }
    wake_.notify_one();
}

void node_registry::run() {
    auto backoff = 100ms;
    for (;;) {
        auto why = session();
        std::unique_lock lock(mutex_);
        if (stopping_)
            return;
        // Lookups waiting through a reconnect would be answered too late to help.
        auto failed = std::move(lookups_);
        lookups_.clear();
        lock.unlock();
        for (auto& l : failed)
            l.done({});
        fmt::print(stderr,
                   "imedge: cluster: node directory on redis {} unavailable ({}); "
                   "retrying in {} ms\n",
                   describe(endpoint_), why, backoff.count());
        std::fflush(stderr);
        lock.lock();
        wake_.wait_for(lock, backoff, [&] { return stopping_; });
        if (stopping_)
            return;
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    }
}

std::string node_registry::session() {
    timeval timeout{1, 0};
    context_ptr c(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, timeout));
    if (!c)
        return "out of memory";
    if (c->err)
        return c->errstr;
    redisSetTimeout(c.get(), timeout);
    redisEnableKeepAlive(c.get());
    if (auto why = redis_auth(c.get(), endpoint_))
        return *why;
    if (endpoint_.db != 0) {
        redis_reply_ptr r(
            static_cast<redisReply*>(redisCommand(c.get(), "SELECT %d", endpoint_.db)));
        if (!r || r->type == REDIS_REPLY_ERROR)
            return r ? std::string(text_of(r.get())) : std::string(c->errstr);
    }
    auto key = key_of(tag_);
    {
        // Only the first registration checks for another node with this tag.
        redis_reply_ptr r(static_cast<redisReply*>(redisCommand(
            c.get(), "SET %s %s NX PX %lld GET", key.c_str(), address_.c_str(), key_lifetime_ms)));
        if (!r)
            return c->errstr;
        if (r->type == REDIS_REPLY_STRING && text_of(r.get()) != address_)
            fmt::print(stderr,
                       "imedge: cluster: node tag {} is also {}'s: requests for either's "
                       "sessions may reach the other (restart one of them)\n",
                       tag_, text_of(r.get()));
    }
    fmt::print("imedge: cluster: node tag {} at {} registered on {}\n", tag_, address_,
               describe(endpoint_));
    std::fflush(stdout);
    auto next_refresh = std::chrono::steady_clock::now() + refresh_period;
    for (;;) {
        std::deque<lookup> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait_until(lock, next_refresh, [&] { return stopping_ || !lookups_.empty(); });
            if (stopping_) {
                lock.unlock();
                redis_reply_ptr r(
                    static_cast<redisReply*>(redisCommand(c.get(), "DEL %s", key.c_str())));
                return "stopping";
            }
            batch.swap(lookups_);
        }
        for (auto& l : batch) {
            auto other = key_of(l.tag);
            redis_reply_ptr r(
                static_cast<redisReply*>(redisCommand(c.get(), "GET %s", other.c_str())));
            if (!r) {
                l.done({});
                return c->errstr;
            }
            l.done(r->type == REDIS_REPLY_STRING ? std::string(text_of(r.get())) : std::string());
        }
        if (std::chrono::steady_clock::now() >= next_refresh) {
            redis_reply_ptr r(static_cast<redisReply*>(redisCommand(
                c.get(), "SET %s %s PX %lld", key.c_str(), address_.c_str(), key_lifetime_ms)));
            if (!r)
                return c->errstr;
            next_refresh = std::chrono::steady_clock::now() + refresh_period;
        }
    }
}

} // namespace imedge::push
