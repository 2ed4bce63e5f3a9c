// The subscriber thread: connect, AUTH, SUBSCRIBE/PSUBSCRIBE, read messages, reconnect.
#include "push/redis_subscriber.hpp"

#include "push/redis_calls.hpp"

#include <fmt/format.h>

#include <sys/socket.h>

#include <cstdio>
#include <memory>

namespace imedge::push {

redis_subscriber::redis_subscriber(redis_endpoint endpoint, subscriptions subs, sink on_message)
    : endpoint_(std::move(endpoint)), subs_(std::move(subs)), sink_(std::move(on_message)),
      thread_([this] { run(); }) {}

redis_subscriber::~redis_subscriber() {
    stop();
    thread_.join();
}

void redis_subscriber::stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (context_)
        ::shutdown(context_->fd, SHUT_RDWR);
    wake_.notify_all();
}

void redis_subscriber::wait_backoff(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [&] { return stopping_.load(); });
}

void redis_subscriber::run() {
    using namespace std::chrono_literals;
    auto backoff = 100ms;
    while (!stopping_) {
        auto before = subscribed_.load();
        auto why = session();
        if (stopping_)
            break;
        if (subscribed_.load() != before)
            backoff = 100ms; // it had worked: start the backoff over
        fmt::print(stderr, "imedge: push: redis {} unavailable ({}); retrying in {} ms\n",
                   describe(endpoint_), why, backoff.count());
        std::fflush(stderr);
        wait_backoff(backoff);
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    }
}

std::string redis_subscriber::session() {
    timeval connect_timeout{2, 0};
    redisContext* c =
        redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, connect_timeout);
    if (!c)
        return "out of memory";
    {
        std::lock_guard lock(mutex_);
        context_ = c;
        if (stopping_)
            ::shutdown(c->fd, SHUT_RDWR);
    }
    auto release = [&] {
        std::lock_guard lock(mutex_);
        context_ = nullptr;
        redisFree(c);
    };
    if (c->err) {
        std::string why = c->errstr;
        release();
        return why;
    }
    // Reads block with no timeout (a quiet channel is normal); TCP keepalive notices a dead
    // peer, a restarted Redis closes the connection.
    redisEnableKeepAlive(c);
    if (auto why = redis_auth(c, endpoint_)) {
        release();
        return *why;
    }
    for (const auto& ch : subs_.channels)
        redisAppendCommand(c, "SUBSCRIBE %b", ch.data(), ch.size());
    for (const auto& p : subs_.patterns)
        redisAppendCommand(c, "PSUBSCRIBE %b", p.data(), p.size());
    std::size_t pending = subs_.channels.size() + subs_.patterns.size();
    std::string why;
    while (!stopping_) {
        void* raw = nullptr;
        if (redisGetReply(c, &raw) != REDIS_OK) {
            why = c->errstr[0] ? c->errstr : "connection lost";
            break;
        }
        redis_reply_ptr r(static_cast<redisReply*>(raw));
        if (r->type == REDIS_REPLY_ERROR) {
            why = fmt::format("error reply: {}", text_of(r.get()));
            break;
        }
        if (r->type != REDIS_REPLY_ARRAY || r->elements < 3)
            continue;
        auto kind = text_of(r->element[0]);
        if (kind == "message") {
            sink_(text_of(r->element[1]), text_of(r->element[2]));
        } else if (kind == "pmessage" && r->elements == 4) {
            sink_(text_of(r->element[2]), text_of(r->element[3]));
        } else if ((kind == "subscribe" || kind == "psubscribe") && pending > 0 && --pending == 0) {
            subscribed_.fetch_add(1);
            fmt::print("imedge: push: redis subscribed to {} ({} channels, {} patterns)\n",
                       describe(endpoint_), subs_.channels.size(), subs_.patterns.size());
            std::fflush(stdout);
        }
    }
    release();
    return why;
}

} // namespace imedge::push
