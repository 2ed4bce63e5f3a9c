// Carrying out the Engine.IO session's transport-independent actions.
#include "server/engineio/eio_session.hpp"

#include "server/core/shard.hpp"

#include "protocol/engineio/handshake.hpp"

#include <boost/asio/post.hpp>

namespace imedge::server {

namespace eio = protocol::engineio;
using protocol::engineio::packet_type;

namespace {
eio::session_config machine_config(const server_options& o, eio::transport t, bool connect) {
    eio::session_config c;
    c.initial = t;
    c.ping_interval = std::chrono::milliseconds(o.ping_interval_ms);
    c.ping_timeout = std::chrono::milliseconds(o.ping_timeout_ms);
    c.connect_timeout = std::chrono::milliseconds(o.connect_timeout_ms);
    c.connect_deadline = connect;
    return c;
}
} // namespace

eio_session::eio_session(shard& owner, std::string sid, transport t,
                         std::shared_ptr<const handshake_info> hs,
                         std::unique_ptr<session_handler> handler)
    : owner_(&owner), sid_(std::move(sid)), handshake_(std::move(hs)), handler_(std::move(handler)),
      queue_(owner.context().get_executor(), owner.options().outbox_limit),
      fsm_(machine_config(owner.options(), t, handler_->wants_connect_deadline())) {}

void eio_session::open() {
    feed(eio::input::open{});
    handler_->on_open(*this);
}

void eio_session::send(frame f) {
    if (!fsm_.accepts_packets())
        return;
    if (!queue_.push(std::move(f))) {
        owner_->count_slow_reader();
        feed(eio::input::outbox_full{});
    }
}

void eio_session::receive(eio::packet&& p) {
    auto self = shared_from_this(); // the handler may close the session
    if (p.type == packet_type::pong)
        ++owner_->metrics().pongs_received;
    for (const auto& a : fsm_.resume(eio::input::packet_received{p.type}, eio::clock::now())) {
        if (std::holds_alternative<eio::action::deliver>(a))
            // NOLINTNEXTLINE(bugprone-use-after-move): the machine delivers a packet at most once
            handler_->on_message(*this, std::move(p));
        else
            carry_out(a);
    }
}

session_actions eio_session::feed(const session_input& in) {
    auto self = shared_from_this(); // keep alive while the handler and the table let go
    auto acts = fsm_.resume(in, eio::clock::now());
    for (const auto& a : acts)
        carry_out(a);
    return acts;
}

void eio_session::carry_out(const eio::session_action& a) {
    namespace act = eio::action;
    if (const auto* q = std::get_if<act::queue_packet>(&a)) {
        std::string data;
        if (q->type == packet_type::open) {
            const auto& o = owner_->options();
            eio::open_parameters p;
            p.sid = sid_;
            p.can_upgrade = fsm_.writer() == transport::polling;
            p.ping_interval_ms = o.ping_interval_ms;
            p.ping_timeout_ms = o.ping_timeout_ms;
            p.max_payload = o.max_payload;
            data = eio::open_packet_json(p);
        } else if (q->type == packet_type::ping) {
            ++owner_->metrics().pings_sent;
        }
        if (!queue_.push(text_frame(eio::encode_text_packet(q->type, data))) &&
            fsm_.accepts_packets()) {
            owner_->count_slow_reader();
            feed(eio::input::outbox_full{});
        }
    } else if (const auto* d = std::get_if<act::arm_deadline>(&a)) {
        owner_->deadlines().schedule(d->lane, shared_from_this(), d->epoch);
    } else if (std::holds_alternative<act::connect_deadline>(a)) {
        handler_->on_connect_deadline(*this);
    } else if (const auto* c = std::get_if<act::close_session>(&a)) {
        handler_->on_close(*this, eio::to_string(c->reason));
        owner_->engineio().forget(sid_);
    } else if (std::holds_alternative<act::drop_queued>(a)) {
        queue_.frames().clear();
    } else if (const auto* l = std::get_if<act::close_later>(&a)) {
        // Not here: the overflowing send runs inside broadcasts and handlers that must not see
        // the session vanish under them.
        asio::post(owner_->get_executor(),
                   [self = shared_from_this(), r = l->reason] { self->close(r); });
    } else if (std::holds_alternative<act::end_writer>(a)) {
        queue_.mark_closing();
    } else if (std::holds_alternative<act::wake_get>(a) ||
               std::holds_alternative<act::switch_transport>(a)) {
        queue_.notify();
    }
    // The rest (answer_get, park_get, reply_error, the upgrade's) belong to the transport.
}

} // namespace imedge::server
