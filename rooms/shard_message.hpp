// The messages between shards: the adapter messages (adapter_message.hpp) plus the plumbing
// that only makes sense inside one process (a descriptor changing hands, an HTTP request
// forwarded to its session's shard, an Engine.IO session to close, plain WebSocket delivery,
// replies to the request layer). Plain values: no pointer
// into another shard's objects.
#pragma once

#include "adapter_message.hpp"
#include "mesh.hpp"
#include "request_table.hpp"

#include "protocol/engineio/session.hpp"

#include <cstddef>
#include <string>
#include <variant>

namespace imedge::rooms {

/// Close Engine.IO session `sid` (owned by the receiving shard), e.g. after another shard
/// refused an oversized POST for it.
struct close_session {
    std::string sid;
    protocol::engineio::close_reason reason;
};

/// Deliver `data` once to each plain WebSocket peer in any of `rooms` on the receiving shard,
/// except the members of room `skip` (when not empty).
struct plain_broadcast {
    std::vector<std::string> rooms;
    shared_bytes data;
    bool binary = false;
    std::string skip;
};

/// A TCP connection accepted by one shard that belongs to another (an HTTP request carrying a
/// sid the receiving shard owns). The descriptor changes hands with the bytes already read.
struct adopt_connection {
    int fd;
    std::string buffered;
};

/// An HTTP long-polling request read by shard `header.origin` for a session that the receiving
/// shard owns. The request travels instead of the connection because a TLS connection cannot
/// change threads by descriptor; the asker writes the forwarded_response it gets back.
struct forwarded_request {
    request_header header;
    std::string request; // serialized, body included
    std::string peer;    // the client's IP address
    std::string path;    // the Engine.IO endpoint the request was routed to
};

/// The owner's whole serialized HTTP response to a forwarded_request. Empty: close the
/// connection without an answer (the request could not be served).
struct forwarded_response {
    std::string bytes;
    bool keep_alive = false;
};

/// What an answering shard sends back for a request_header; the asking shard's request table
/// (server/core/shard_requests.hpp) hands it to whoever waits: the adapter's replies and the
/// plumbing's (a forwarded HTTP response).
using reply_body =
    std::variant<ack_reply, rooms_reply, session_reply, sids_reply, forwarded_response>;

struct reply {
    request_id request;
    reply_body body;
};

using shard_message = std::variant<adapter_message, reply, close_session, plain_broadcast,
                                   adopt_connection, forwarded_request>;

/// What a message costs its lane, roughly: the payload bytes it holds (a shared packet is counted
/// in every lane that carries it), for the mesh's byte bound.
std::size_t approximate_bytes(const shard_message& m);
/// Which messages the mesh may refuse when their lane is over its bound (see mesh.hpp).
delivery delivery_of(const shard_message& m);

} // namespace imedge::rooms
