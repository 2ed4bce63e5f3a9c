// The Socket.IO v5 layer of one Engine.IO session: decodes packets (gathering binary
// attachments), runs the namespaces' handlers, and disconnects sockets.
#pragma once

#include "server/core/admission.hpp"
#include "server/engineio/session_handler.hpp"
#include "server/socketio/sio_socket.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace imedge::server {

class shard;

/// Why the server closes a connection for a resource bound (Engine.IO close reasons, seen by
/// the disconnect handlers; the client sees its transport close).

/// Shard-local; owned by its eio_session.
///
/// Bounds (issue 8 items 2 and 12), all from server_options: a pending binary packet holds at
/// most 10 attachments and max_payload bytes in all, and is dropped with the connection
/// (close_reason::attachment_timeout) when its parts have not all come attachment_timeout_ms after
/// its header; while a connect handler runs, at most connect_backlog_limit packets and max_payload
/// bytes from the client wait for it, and at most outbox_limit bytes of emits to the socket
/// (close_reason::connect_backlog_full past either); the connect timeout runs until a namespace is
/// joined, so it covers a connect handler that never finishes.
class sio_connection final : public session_handler {
public:
    /// `ticket` holds the session's place under the pending-session caps until its first CONNECT.
    sio_connection(shard& owner, admission_ticket ticket);

    void on_open(eio_session&) override {}
    void on_message(eio_session& s, protocol::engineio::packet&& p) override;
    void on_close(eio_session& s, std::string_view reason) override;
    void on_connect_deadline(eio_session& s) override;
    bool wants_connect_deadline() const override { return true; }

    /// Removes a socket: tells the client when `notify_client`, runs the disconnect handler.
    void disconnect_socket(sio_socket& socket, std::string_view reason, bool notify_client);

private:
    void handle(eio_session& s, inbound_packet&& p);
    void connect(eio_session& s, inbound_packet&& p);
    void finish_connect(const std::shared_ptr<sio_socket>& socket, const connect_result& result);
    void dispatch(sio_socket& socket, inbound_packet&& p);
    std::shared_ptr<sio_socket> find(std::string_view nsp) const;
    static void fail(eio_session& s);
    void arm_attachment_deadline(eio_session& s);

    shard& owner_;
    admission_ticket ticket_;
    std::vector<std::shared_ptr<sio_socket>> sockets_;
    protocol::socketio::packet_assembler assembler_;
    std::unique_ptr<wake_timer> attachment_timer_; // made when the first binary packet is pending
    bool ever_connected_ = false;
};

} // namespace imedge::server
