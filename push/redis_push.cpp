// Channel -> decoder -> applier.
#include "push/redis_push.hpp"

#include "push/emitter_message.hpp"
#include "push/pickle_message.hpp"

#include <fmt/format.h>

namespace imedge::push {

redis_push::redis_push(server::running_server& server, const push_options& o)
    : options_(o), intake_(server, "redis") {
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

void redis_push::on_message(std::string_view channel, std::string_view body) {
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
            out = from_emitter_broadcast(body, l, options_.cluster ? options_.node_id : "");
            break;
        }
        case channel_kind::request:
            out = from_emitter_request(request_namespace(channel, options_.redis_key), body,
                                       options_.max_message,
                                       options_.cluster ? options_.node_id : "");
            break;
        case channel_kind::other:
            out = outcome::drop(drop_reason::bad_channel);
            break;
        }
    }
    intake_.take(std::move(out), channel);
}

} // namespace imedge::push
