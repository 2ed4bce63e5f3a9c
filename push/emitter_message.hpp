// @socket.io/redis-emitter's messages (socketio/socket.io-redis-emitter lib/index.ts):
// - broadcasts, msgpack `[uid, packet, opts]` on `<key>#<nsp>#` or `<key>#<nsp>#<room>#`, where
//   packet is `{type: 2 (EVENT), data: [event, ...args], nsp}` and opts `{rooms, except, flags}`;
//   Buffers in args are msgpack bin and become binary attachments;
// - requests, JSON on `<key>-request#<nsp>#`: `{type: 2 REMOTE_JOIN | 3 REMOTE_LEAVE, opts:
//   {rooms, except}, rooms}`, `{type: 4 REMOTE_DISCONNECT, opts, close}`, `{type: 6
//   SERVER_SIDE_EMIT, data}`; another imedge node's requests add its `uid`
//   (push/cluster_request.hpp). serverSideEmit and the fetch/rooms requests of socket.io
//   nodes have no handler here and are dropped as unsupported_request.
#pragma once

#include "push/action.hpp"
#include "push/msgpack_tree.hpp"

#include <string>
#include <string_view>

namespace imedge::push {

/// Which of our subscriptions a channel belongs to, for the emitter's key prefix `key`.
enum class channel_kind : std::uint8_t { broadcast, request, other };
channel_kind classify_channel(std::string_view channel, std::string_view key);

/// The namespace a request channel names (`<key>-request#<nsp>#`), empty if it names none.
std::string_view request_namespace(std::string_view channel, std::string_view key);

/// An emitter's or another node's broadcast (push/cluster_message.hpp). A message whose uid is
/// `own_uid` (this node's, when it is in a cluster) is this node's own publication coming back:
/// ignored, since its sockets had it when it was emitted.
outcome from_emitter_broadcast(std::string_view bytes, const msgpack::limits& l = {},
                               std::string_view own_uid = {});

/// `nsp` comes from the channel; `json` is the message body. A request whose `uid` is
/// `own_uid` is this node's own (push/cluster_request.hpp) coming back: ignored, since its
/// shards applied it when it was made. The emitter's requests carry no uid.
outcome from_emitter_request(std::string_view nsp, std::string_view json,
                             std::size_t max_input = 1 << 20, std::string_view own_uid = {});

/// Glob patterns for PSUBSCRIBE that match exactly the two channel families of `key` (its
/// glob characters escaped).
std::string broadcast_pattern(std::string_view key);
std::string request_pattern(std::string_view key);

} // namespace imedge::push
