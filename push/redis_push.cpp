// Channel -> decoder -> applier.
#include "push/redis_push.hpp"

#include "push/emitter_message.hpp"
#include "push/pickle_message.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstdio>

namespace imedge::push {

redis_push::redis_push(server::running_server& server, const push_options& o)
    : options_(o), applier_(server) {
    redis_subscriber::subscriptions subs;
    subs.channels.push_back(o.redis_channel);
    subs.patterns.push_back(broadcast_pattern(o.redis_key));
    subs.patterns.push_back(request_pattern(o.redis_key));
    subscriber_ = std::make_unique<redis_subscriber>(
        *o.redis, std::move(subs),
        [this](std::string_view ch, std::string_view body) { on_message(ch, body); });
}

redis_push::~redis_push() {
    stop();
}

void redis_push::stop() {
    subscriber_.reset();
}

void redis_push::count_drop(drop_reason r, std::string_view channel) {
    counters_.drop(r);
    auto n = counters_.dropped[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
    // Every one of the first 100 of a reason (tests wait for these lines), then at powers of two.
    if (n <= 100 || std::has_single_bit(n)) {
        fmt::print(stderr, "imedge: push: dropped a message on '{}': {} ({} so far)\n", channel,
                   name(r), n);
        std::fflush(stderr);
    }
}

void redis_push::on_message(std::string_view channel, std::string_view body) {
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    outcome out;
    if (body.size() > options_.max_message) {
        out = outcome::drop(drop_reason::too_large);
    } else if (channel == options_.redis_channel) {
        protocol::pickle::limits l;
        l.max_input = options_.max_message;
        out = from_pickle(body, l);
    } else {
        switch (classify_channel(channel, options_.redis_key)) {
        case channel_kind::broadcast: {
            msgpack::limits l;
            l.max_input = options_.max_message;
            out = from_emitter_broadcast(body, l);
            break;
        }
        case channel_kind::request:
            out = from_emitter_request(request_namespace(channel, options_.redis_key), body,
                                       options_.max_message);
            break;
        case channel_kind::other:
            out = outcome::drop(drop_reason::bad_channel);
            break;
        }
    }
    if (out.dropped) {
        count_drop(*out.dropped, channel);
        return;
    }
    if (!out.act) {
        counters_.ignored.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    applier_.apply(std::move(*out.act));
    counters_.applied.fetch_add(1, std::memory_order_relaxed);
}

std::string redis_push::summary() const {
    std::string drops;
    for (std::size_t i = 0; i < counters_.dropped.size(); ++i)
        if (auto n = counters_.dropped[i].load(std::memory_order_relaxed))
            drops += fmt::format(" {}={}", name(static_cast<drop_reason>(i)), n);
    return fmt::format("received {} applied {} ignored {} dropped {}{}", counters_.received.load(),
                       counters_.applied.load(), counters_.ignored.load(),
                       counters_.dropped_total(), drops);
}

} // namespace imedge::push
