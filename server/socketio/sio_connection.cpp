// Socket.IO packet handling (socket.io-protocol v5).
#include "server/socketio/sio_connection.hpp"

#include "server/api/app.hpp"
#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"

#include <boost/asio/co_spawn.hpp>

namespace imedge::server {

using protocol::engineio::frame_kind;
using protocol::socketio::packet_type;

sio_connection::sio_connection(shard& owner, admission_ticket ticket)
    : owner_(owner), ticket_(std::move(ticket)),
      assembler_(protocol::socketio::assembler_limits{
          .max_attachments = owner.options().limits.max_attachments,
          .max_bytes = static_cast<std::size_t>(owner.options().max_payload)}) {}

void sio_connection::fail(eio_session& s) {
    s.close(close_reason::parse_error);
}

std::shared_ptr<sio_socket> sio_connection::find(std::string_view nsp) const {
    for (const auto& s : sockets_)
        if (s->nsp() == nsp)
            return s;
    return nullptr;
}

void sio_connection::on_message(eio_session& s, protocol::engineio::packet&& p) {
    auto assembled = p.kind == frame_kind::binary
                         ? assembler_.feed_binary(std::move(p.data))
                         : assembler_.feed_text(p.data, std::chrono::steady_clock::now());
    if (!assembled)
        return fail(s);
    if (*assembled)
        handle(s, std::move(**assembled));
    else if (p.kind == frame_kind::text)
        arm_attachment_deadline(s); // a binary packet's header: its parts are now due
}

void sio_connection::arm_attachment_deadline(eio_session& s) {
    if (!attachment_timer_)
        attachment_timer_ = std::make_unique<wake_timer>(owner_.get_executor());
    auto timeout = std::chrono::milliseconds(owner_.options().limits.attachment_timeout_ms);
    attachment_timer_->expires_at(*assembler_.incomplete_since() + timeout);
    // The session owns this object: while it lives (and is open), `this` does.
    attachment_timer_->async_wait(
        [this, weak = s.weak_from_this(), timeout](boost::system::error_code ec) {
            auto session = weak.lock();
            if (ec || !session || session->is_closed())
                return;
            // A stale wake-up (the packet completed, another started since) changes nothing.
            auto since = assembler_.incomplete_since();
            if (since && *since + timeout <= std::chrono::steady_clock::now()) {
                ++owner_.metrics().attachment_timeouts;
                session->close(close_reason::attachment_timeout);
            }
        });
}

void sio_connection::handle(eio_session& s, inbound_packet&& p) {
    auto socket = find(p.nsp);
    if (p.type == packet_type::connect) {
        if (socket)
            return fail(s); // a second CONNECT for the same namespace
        return connect(s, std::move(p));
    }
    if (!socket || p.type == packet_type::connect_error)
        return fail(s);
    if (socket->connecting()) {
        // A client may send before the CONNECT answer (nothing in the protocol forbids it),
        // but not without bound while a slow connect handler runs.
        std::size_t bytes = p.json.size();
        for (const auto& a : p.attachments)
            bytes += a.size();
        if (socket->backlog.size() >= owner_.options().limits.connect_backlog_limit ||
            bytes > owner_.options().max_payload - socket->backlog_bytes)
            return s.close(close_reason::connect_backlog_full);
        socket->backlog_bytes += bytes;
        socket->backlog.push_back(std::move(p));
        return;
    }
    dispatch(*socket, std::move(p));
}

void sio_connection::connect(eio_session& s, inbound_packet&& p) {
    auto& host = owner_.socketio();
    auto* ns = host.find_namespace(p.nsp);
    if (!ns) {
        s.send_text(encode_connect_error(p.nsp, "Invalid namespace"));
        return;
    }
    auto auth = host.decoder().decode_connect(p.json);
    if (!auth)
        return fail(s);

    auto socket = std::make_shared<sio_socket>(s, *ns, owner_.ids().next());
    sockets_.push_back(socket);
    host.add_socket(*socket,
                    *this); // emits to its sid during the handler are held until CONNECT is sent

    connect_request request{server_ref(owner_, ns->name), socket->sid(),
                            auth->empty() ? "{}" : std::move(*auth), s.handshake()};
    const auto& handlers = *ns->handlers;
    if (handlers.sync_connect()) {
        connect_result result;
        try {
            result = handlers.sync_connect()(request);
        } catch (...) { // the program's code: log it, refuse this socket, keep the connection
            log_coroutine_exception(std::current_exception(), "connect handler");
            result = connect_result::reject("Internal server error");
        }
        finish_connect(socket, result);
    } else if (handlers.coro_connect()) {
        auto& handler = handlers.coro_connect();
        std::weak_ptr<sio_socket> weak = socket;
        asio::co_spawn(owner_.get_executor(), handler(std::move(request)),
                       [this, weak](const std::exception_ptr& e, connect_result result) {
                           log_coroutine_exception(e, "connect handler");
                           auto socket = weak.lock();
                           if (!socket || socket->session().is_closed())
                               return;
                           if (e)
                               result = connect_result::reject("Internal server error");
                           finish_connect(socket, result);
                       });
    } else {
        finish_connect(socket, connect_result::accept());
    }
}

void sio_connection::finish_connect(const std::shared_ptr<sio_socket>& socket,
                                    const connect_result& result) {
    if (!socket->connecting())
        return;
    if (!result.accepted) {
        owner_.socketio().remove_socket(*socket);
        socket->mark_disconnected();
        std::erase(sockets_, socket);
        socket->send_now(encode_connect_error(socket->nsp(), result.message, result.data_json));
        return;
    }
    ever_connected_ = true;
    ticket_.release();
    socket->send_now(encode_connect(socket->nsp(), socket->sid()));
    socket->mark_connected();
    auto backlog = std::move(socket->backlog);
    socket->backlog_bytes = 0;
    for (auto& p : backlog) {
        if (socket->session().is_closed() || !socket->connected())
            break;
        dispatch(*socket, std::move(p));
    }
}

void sio_connection::dispatch(sio_socket& socket, inbound_packet&& p) {
    auto& s = socket.session();
    auto& decoder = owner_.socketio().decoder();
    switch (p.type) {
    case packet_type::event:
    case packet_type::binary_event: {
        auto decoded = decoder.decode_event(p.json, p.attachments.size());
        if (!decoded)
            return fail(s);
        decoded->args.attachments = std::move(p.attachments);
        const auto* entry = socket.ns().handlers->find(decoded->name);
        if (!entry)
            return;
        event e{server_ref(owner_, socket.nsp()), socket.sid(), std::move(decoded->name),
                std::move(decoded->args),
                p.ack_id ? ack_sender(socket.weak_from_this(), *p.ack_id,
                                      owner_.options().limits.max_attachments)
                         : ack_sender{}};
        if (entry->sync) {
            try {
                entry->sync(e);
            } catch (...) { // the program's code: log it and keep serving this connection
                log_coroutine_exception(std::current_exception(), "event handler");
            }
        } else {
            asio::co_spawn(
                owner_.get_executor(), entry->coro(std::move(e)),
                [](const std::exception_ptr& ex) { log_coroutine_exception(ex, "event handler"); });
        }
        return;
    }
    case packet_type::ack:
    case packet_type::binary_ack: {
        if (!p.ack_id)
            return fail(s);
        auto decoded = decoder.decode_ack(p.json, p.attachments.size());
        if (!decoded)
            return fail(s);
        decoded->attachments = std::move(p.attachments);
        socket.resolve_ack(*p.ack_id, std::move(*decoded));
        return;
    }
    case packet_type::disconnect:
        disconnect_socket(socket, "client namespace disconnect", false);
        return;
    case packet_type::connect:
    case packet_type::connect_error:
        return fail(s);
    }
}

void sio_connection::disconnect_socket(sio_socket& socket, std::string_view reason,
                                       bool notify_client) {
    auto keep = socket.shared_from_this();
    bool was_connected = socket.connected();
    if (notify_client && was_connected)
        socket.send_now(encode_disconnect(socket.nsp()));
    socket.mark_disconnected();
    if (was_connected) {
        if (const auto& on_disconnect = socket.ns().handlers->disconnect())
            on_disconnect(server_ref(owner_, socket.nsp()), socket.sid(), reason);
    }
    owner_.socketio().remove_socket(socket);
    std::erase(sockets_, keep);
}

void sio_connection::on_close(eio_session&, std::string_view reason) {
    // Engine.IO reasons are Socket.IO's disconnect reasons ("transport close", "ping timeout",
    // ...).
    auto sockets = sockets_;
    for (auto& socket : sockets)
        disconnect_socket(*socket, reason, false);
}

void sio_connection::on_connect_deadline(eio_session& s) {
    // Until a namespace is joined, a socket whose connect handler still runs counts as none.
    if (!ever_connected_)
        s.close(close_reason::connect_timeout);
}

} // namespace imedge::server
