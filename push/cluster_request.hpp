// What a node publishes for its other nodes when one of its programs makes sockets join or
// leave rooms, or disconnects them: the socket.io redis-adapter's requests (RequestType
// REMOTE_JOIN 2, REMOTE_LEAVE 3, REMOTE_DISCONNECT 4), the ones @socket.io/redis-emitter's
// socketsJoin/socketsLeave/disconnectSockets also write, so the same decoder
// (emitter_message's from_emitter_request) reads both on the other nodes.
//   channel  <key>-request#<nsp>#
//   message  JSON {"uid", "type": 2|3, "opts": {"rooms", "except"}, "rooms"}
//            or   {"uid", "type": 4, "opts": {"rooms", "except"}, "close": false}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::push {

enum class cluster_request_kind : std::uint8_t { join, leave, disconnect };

/// One room change or disconnect, as copied off the calling shard: the sockets in any of
/// `rooms` (sids are rooms), minus those in `except`, join or leave `room_names`, or are
/// disconnected from `nsp` (a namespace disconnect: `close` is false).
struct cluster_request {
    std::string nsp;
    cluster_request_kind kind;
    std::vector<std::string> rooms;
    std::vector<std::string> except;
    std::vector<std::string> room_names; // join and leave only
};

/// The channel the redis-adapter publishes `nsp`'s requests on, under key prefix `key`.
std::string cluster_request_channel(std::string_view key, std::string_view nsp);

/// The request's JSON text, carrying this node's `uid` so that it ignores its own.
std::string encode_cluster_request(std::string_view uid, const cluster_request& r);

} // namespace imedge::push
