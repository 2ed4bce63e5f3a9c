// What runs on top of an Engine.IO session: the Socket.IO layer, or a bare Engine.IO handler.
#pragma once

#include "protocol/engineio/packet.hpp"

#include <string_view>

namespace imedge::server {

class eio_session;

/// Called on the session's shard, in order: on_open once, on_message per message packet,
/// on_close once. on_connect_deadline when the handshake lane of the heartbeat fires.
class session_handler {
public:
    virtual ~session_handler() = default;
    virtual void on_open(eio_session& session) = 0;
    virtual void on_message(eio_session& session, protocol::engineio::packet&& p) = 0;
    virtual void on_close(eio_session& session, std::string_view reason) = 0;
    virtual void on_connect_deadline(eio_session&) {}
    /// Whether on_connect_deadline should be scheduled for new sessions.
    virtual bool wants_connect_deadline() const { return false; }
};

} // namespace imedge::server
