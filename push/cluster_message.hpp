// What a node publishes for its other nodes when one of its programs emits: the socket.io
// redis-adapter's broadcast, so that node-to-node traffic and @socket.io/redis-emitter traffic
// are one format on the same channels (and the same decoder, emitter_message, reads both).
//   channel  <key>#<nsp>#            (or <key>#<nsp>#<room># when the emit names exactly one room)
//   message  msgpack [uid, {type: 2, data: [event, ...args], nsp}, {rooms, except, flags: {}}]
// Args arrive as JSON text and become msgpack values; an attachment placeholder
// {"_placeholder":true,"num":N} becomes bin with attachment N, as socket.io-parser would have
// had it before encoding.
#pragma once

#include "protocol/socketio/args.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class parser;
}

namespace imedge::push {

/// One emit, as copied off the emitting shard.
struct cluster_emit {
    std::string nsp;
    std::string event;
    protocol::socketio::payload data;
    std::vector<std::string> rooms;
    std::vector<std::string> except;
};

/// The channel the redis-adapter would publish `e` on, under key prefix `key`.
std::string cluster_channel(std::string_view key, const cluster_emit& e);

/// The message, or nullopt when an arg is not valid JSON or a placeholder names no attachment
/// (the program gave a bad arg: nothing is published). `parser` is the caller's, reused.
std::optional<std::string> encode_cluster_emit(std::string_view uid, const cluster_emit& e,
                                               simdjson::dom::parser& parser);

} // namespace imedge::push
