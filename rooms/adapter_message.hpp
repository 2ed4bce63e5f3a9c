// The adapter messages: what one part of the Socket.IO server asks of another about rooms,
// sockets and emits (socket.io-adapter's cluster message types: broadcast, room changes,
// disconnect, fetch, ack). Today they travel between shards; they are the messages a Redis
// cluster will serialise between nodes, so they hold plain values only: no pointer into
// another shard's objects, no descriptors; payload bytes are immutable and shared.
#pragma once

#include "registry.hpp"
#include "request_table.hpp"

#include "protocol/socketio/args.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace imedge::rooms {

using shared_bytes = std::shared_ptr<const std::string>;

/// A Socket.IO packet encoded once: the Engine.IO text frame ("42[...]") and the binary
/// attachments that follow it.
struct encoded_packet {
    shared_bytes text;
    std::vector<shared_bytes> attachments;
};

/// Deliver `packet` to the members of namespace `nsp` that `filter` reaches on the receiving shard.
struct broadcast {
    std::string nsp;
    broadcast_filter filter;
    std::shared_ptr<const encoded_packet> packet;
};

enum class room_op : std::uint8_t { join, leave };

/// Make socket `sid` (owned by the receiving shard) join or leave `room`.
struct room_change {
    std::string nsp;
    std::string sid;
    std::string room;
    room_op op;
};

/// Disconnect socket `sid` (owned by the receiving shard) from `nsp`.
struct disconnect_socket {
    std::string nsp;
    std::string sid;
};

/// Emit to socket `sid` (owned by the receiving shard) and reply with its ack (an ack_reply),
/// or with none after `timeout`.
struct ack_request {
    request_header header;
    std::string nsp;
    std::string sid;
    std::string event;
    std::vector<std::string> items;       // the payload's JSON args
    std::vector<std::string> attachments; // its binary attachments
    std::chrono::milliseconds timeout;
};

/// The client's ack args; nullopt when it did not ack in time or the socket is gone.
struct ack_reply {
    std::optional<protocol::socketio::args> ack;
};

/// Ask the owner of `sid` for its rooms; answered by a rooms_reply.
struct rooms_request {
    request_header header;
    std::string nsp;
    std::string sid;
};

struct rooms_reply {
    std::vector<std::string> rooms;
};

/// Read (and optionally first change) the session data of socket `sid`; answered by a
/// session_reply carrying a copy (nullopt when there is no such socket).
struct session_request {
    request_header header;
    std::string nsp;
    std::string sid;
    std::optional<std::pair<std::string, std::string>> set;
};

struct session_reply {
    std::optional<std::unordered_map<std::string, std::string>> data;
};

/// Ask a shard for the sids of its sockets in `nsp` that `filter` reaches (a fetch-all query:
/// one request per shard, socket.io-adapter's FETCH_SOCKETS without the socket data); answered
/// by a sids_reply listing at most `limit` of them.
struct sids_request {
    request_header header;
    std::string nsp;
    broadcast_filter filter;
    std::size_t limit = 0;
};

struct sids_reply {
    std::size_t shard = 0;         // the answering shard
    std::vector<std::string> sids; // at most the request's limit
    std::size_t total = 0;         // every match on that shard
};

using adapter_message = std::variant<broadcast, room_change, disconnect_socket, ack_request,
                                     rooms_request, session_request, sids_request>;

/// The answers to the adapter's requests (each travels in a shard_message `reply`).
using adapter_reply = std::variant<ack_reply, rooms_reply, session_reply, sids_reply>;

} // namespace imedge::rooms
