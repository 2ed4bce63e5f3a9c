// Engine.IO session logic.
#include "server/engineio/eio_session.hpp"

#include "server/core/shard.hpp"

#include "protocol/engineio/handshake.hpp"

#include <boost/asio/post.hpp>

namespace imedge::server {

using protocol::engineio::packet_type;

eio_session::eio_session(shard& owner, std::string sid, transport t,
                         std::shared_ptr<const handshake_info> hs,
                         std::unique_ptr<session_handler> handler)
    : owner_(&owner), sid_(std::move(sid)), handshake_(std::move(hs)), handler_(std::move(handler)),
      queue_(owner.context().get_executor(), owner.options().outbox_limit), transport_(t) {}

void eio_session::open() {
    const auto& o = owner_->options();
    protocol::engineio::open_parameters p;
    p.sid = sid_;
    p.can_upgrade = transport_ == transport::polling;
    p.ping_interval_ms = o.ping_interval_ms;
    p.ping_timeout_ms = o.ping_timeout_ms;
    p.max_payload = o.max_payload;
    send_text(protocol::engineio::encode_text_packet(packet_type::open,
                                                     protocol::engineio::open_packet_json(p)));
    auto self = shared_from_this();
    owner_->deadlines().schedule(deadline_scheduler::lane::ping, self, heartbeat_epoch_);
    if (handler_->wants_connect_deadline())
        owner_->deadlines().schedule(deadline_scheduler::lane::connect, self, heartbeat_epoch_);
    handler_->on_open(*this);
}

void eio_session::send(frame f) {
    if (closed_ || overflowed_)
        return;
    if (!queue_.push(std::move(f))) {
        // Closed from the event loop, not here: send() runs inside broadcasts and handlers
        // that must not see the session vanish under them.
        overflowed_ = true;
        owner_->count_slow_reader();
        asio::post(owner_->get_executor(),
                   [self = shared_from_this()] { self->close("slow reader"); });
    }
}

void eio_session::close(std::string_view reason) {
    if (closed_)
        return;
    closed_ = true;
    auto self = shared_from_this(); // keep alive while the handler and the table let go
    handler_->on_close(*this, reason);
    // Long-polling clients learn of the close from a close packet; WebSocket ones from the
    // close frame the writer sends after flushing.
    if (reason == "slow reader")
        queue_.frames().clear(); // it would not read them anyway
    if (transport_ == transport::polling && reason != "transport close")
        queue_.push(text_frame(protocol::engineio::encode_text_packet(packet_type::close)));
    queue_.mark_closing();
    owner_->engineio().forget(sid_);
}

void eio_session::receive(protocol::engineio::packet&& p) {
    if (closed_)
        return;
    switch (p.type) {
    case packet_type::message:
        handler_->on_message(*this, std::move(p));
        break;
    case packet_type::pong:
        if (awaiting_pong_) {
            awaiting_pong_ = false;
            owner_->deadlines().schedule(deadline_scheduler::lane::ping, shared_from_this(),
                                         ++heartbeat_epoch_);
        }
        break;
    case packet_type::close:
        close("transport close");
        break;
    case packet_type::noop:
    case packet_type::ping: // v4 clients do not ping; a stray one is harmless
        break;
    case packet_type::open:
    case packet_type::upgrade:
        close("parse error");
        break;
    }
}

void eio_session::on_deadline(deadline_scheduler::lane l, std::uint32_t epoch) {
    if (closed_)
        return;
    switch (l) {
    case deadline_scheduler::lane::ping:
        if (epoch != heartbeat_epoch_ || awaiting_pong_)
            return;
        awaiting_pong_ = true;
        send_text(protocol::engineio::encode_text_packet(packet_type::ping));
        owner_->deadlines().schedule(deadline_scheduler::lane::pong, shared_from_this(),
                                     ++heartbeat_epoch_);
        break;
    case deadline_scheduler::lane::pong:
        if (epoch == heartbeat_epoch_ && awaiting_pong_)
            close("ping timeout");
        break;
    case deadline_scheduler::lane::connect:
        handler_->on_connect_deadline(*this);
        break;
    }
}

void eio_session::begin_upgrade() {
    upgrading_ = true;
}

void eio_session::finish_upgrade() {
    upgrading_ = false;
    transport_ = transport::websocket;
    noop_requested = get_pending; // release a GET still parked on the old transport
    queue_.notify();
}

void eio_session::cancel_upgrade() {
    upgrading_ = false;
    noop_requested = false;
}

} // namespace imedge::server
