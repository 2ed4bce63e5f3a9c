// The subscriber thread: connect, AUTH, SUBSCRIBE/PSUBSCRIBE, read messages, reconnect.
#include "push/redis_subscriber.hpp"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <sys/socket.h>

#include <cstdio>
#include <memory>

namespace imedge::push {

namespace {

struct reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

std::string_view text_of(const redisReply* r) {
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS ||
                 r->type == REDIS_REPLY_ERROR)
               ? std::string_view(r->str, r->len)
               : std::string_view{};
}

} // namespace

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
    auto command = [&](auto... args) {
        return reply_ptr(static_cast<redisReply*>(redisCommand(c, args...)));
    };
    if (!endpoint_.password.empty()) {
        auto r = endpoint_.user.empty()
                     ? command("AUTH %s", endpoint_.password.c_str())
                     : command("AUTH %s %s", endpoint_.user.c_str(), endpoint_.password.c_str());
        if (!r || r->type == REDIS_REPLY_ERROR) {
            std::string why = r ? fmt::format("AUTH: {}", text_of(r.get())) : c->errstr;
            release();
            return why;
        }
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
        reply_ptr r(static_cast<redisReply*>(raw));
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
