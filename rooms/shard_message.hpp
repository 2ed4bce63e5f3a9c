// The closed vocabulary of messages between shards (socket.io-adapter's cluster message types,
// here between cores). Plain values: no pointer into another shard's objects; payload bytes are
// immutable and shared.
#pragma once

#include "mesh.hpp"
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

/// Close Engine.IO session `sid` (owned by the receiving shard), e.g. after another shard
/// refused an oversized POST for it.
struct close_session {
    std::string sid;
    std::string reason;
};

/// Deliver `data` to the plain WebSocket peers in `room` on the receiving shard.
struct plain_broadcast {
    std::string room;
    shared_bytes data;
    bool binary = false;
};

/// A TCP connection accepted by one shard that belongs to another (an HTTP request carrying a
/// sid the receiving shard owns). The descriptor changes hands with the bytes already read.
struct adopt_connection {
    int fd;
    std::string buffered;
};

/// What an answering shard sends back for a request_header; the asking shard's request table
/// (server/core/shard_requests.hpp) hands it to whoever waits.
using reply_body = std::variant<ack_reply, rooms_reply, session_reply>;

struct reply {
    request_id request;
    reply_body body;
};

using shard_message =
    std::variant<broadcast, room_change, disconnect_socket, ack_request, rooms_request,
                 session_request, reply, close_session, plain_broadcast, adopt_connection>;

/// What a message costs its lane, roughly: the payload bytes it holds (a shared packet is counted
/// in every lane that carries it), for the mesh's byte bound.
std::size_t approximate_bytes(const shard_message& m);
/// Which messages the mesh may refuse when their lane is over its bound (see mesh.hpp).
delivery delivery_of(const shard_message& m);

} // namespace imedge::rooms
