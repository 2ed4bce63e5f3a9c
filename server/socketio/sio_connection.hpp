// The Socket.IO v5 layer of one Engine.IO session: decodes packets (gathering binary
// attachments), runs the namespaces' handlers, and disconnects sockets.
#pragma once

#include "server/engineio/session_handler.hpp"
#include "server/socketio/sio_socket.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace imedge::server {

class shard;

/// Shard-local; owned by its eio_session.
class sio_connection final : public session_handler {
public:
    explicit sio_connection(shard& owner) : owner_(owner) {}

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
    void finish_connect(std::shared_ptr<sio_socket> socket, connect_result result);
    void dispatch(sio_socket& socket, inbound_packet&& p);
    std::shared_ptr<sio_socket> find(std::string_view nsp) const;
    static void fail(eio_session& s);

    shard& owner_;
    std::vector<std::shared_ptr<sio_socket>> sockets_;
    protocol::socketio::packet_assembler assembler_; // default limits: 10 attachments, 1 MB in all
    bool ever_connected_ = false;
};

} // namespace imedge::server
