// The Engine.IO session's rules, one input at a time.
#include "session.hpp"

namespace imedge::protocol::engineio {

std::string_view to_string(close_reason r) {
    switch (r) {
    case close_reason::transport_close:
        return "transport close";
    case close_reason::transport_error:
        return "transport error";
    case close_reason::ping_timeout:
        return "ping timeout";
    case close_reason::parse_error:
        return "parse error";
    case close_reason::forced_close:
        return "forced close";
    case close_reason::server_shutting_down:
        return "server shutting down";
    case close_reason::slow_reader:
        return "slow reader";
    case close_reason::connect_timeout:
        return "connect timeout";
    case close_reason::attachment_timeout:
        return "attachment timeout";
    case close_reason::connect_backlog_full:
        return "connect backlog full";
    }
    return "transport error";
}

namespace {
template <class... F> struct overloaded : F... { using F::operator()...; };
template <class... F> overloaded(F...) -> overloaded<F...>;
} // namespace

session_actions session::resume(const session_input& in, clock::time_point now) {
    session_actions out;
    std::visit(
        overloaded{
            [&](const input::open&) {
                out.push(action::queue_packet{packet_type::open});
                arm(lane::ping, now, out);
                if (config_.connect_deadline)
                    arm(lane::connect, now, out);
            },
            [&](const input::packet_received& p) { on_packet(p.type, now, out); },
            [&](const input::bad_packet&) { close(close_reason::parse_error, out); },
            [&](const input::bad_payload& p) {
                close(p.too_large ? close_reason::transport_error : close_reason::parse_error, out);
                out.push(action::reply_error{http_error::bad_request});
            },
            [&](const input::post_arrived&) {
                if (closed_)
                    out.push(action::reply_error{http_error::unknown_sid});
                else if (writer_ != transport::polling)
                    out.push(action::reply_error{http_error::bad_request});
            },
            [&](const input::get_arrived& g) {
                if (closed_) {
                    out.push(action::reply_error{http_error::unknown_sid});
                } else if (writer_ != transport::polling) {
                    out.push(action::reply_error{http_error::bad_request});
                } else if (get_parked_) {
                    // Two GETs at once break the polling rules: the session ends and the parked
                    // GET answers with the close packet.
                    close(close_reason::transport_error, out);
                    out.push(action::reply_error{http_error::bad_request});
                } else {
                    get_parked_ = true;
                    on_get(g.outbox_empty, out);
                }
            },
            [&](const input::get_woken& g) {
                if (get_parked_)
                    on_get(g.outbox_empty, out);
            },
            [&](const input::upgrade_requested&) {
                if (closed_) {
                    out.push(action::reply_error{http_error::unknown_sid});
                } else if (writer_ != transport::polling || upgrading_) {
                    // One transport owns the writer; one upgrade at a time. Decided here, before
                    // the asynchronous handshake, so that a second request cannot slip past.
                    out.push(action::accept_and_close{});
                } else {
                    upgrading_ = true;
                    probed_ = false;
                    out.push(action::accept_upgrade{});
                }
            },
            [&](const input::probe_received& p) {
                if (closed_ || !upgrading_ || probed_ || !p.valid) {
                    upgrading_ = probed_ = false;
                    out.push(action::refuse_upgrade{});
                    return;
                }
                probed_ = true;
                out.push(action::answer_probe{});
                // The client pauses polling: release its parked GET with a noop.
                if (get_parked_) {
                    noop_due_ = true;
                    out.push(action::wake_get{});
                }
            },
            [&](const input::upgrade_received& u) {
                if (closed_ || !upgrading_ || !probed_ || !u.valid) {
                    upgrading_ = probed_ = false;
                    out.push(action::refuse_upgrade{});
                    return;
                }
                upgrading_ = probed_ = false;
                writer_ = transport::websocket;
                out.push(action::switch_transport{});
                if (get_parked_) {
                    noop_due_ = true;
                    out.push(action::wake_get{});
                }
            },
            [&](const input::upgrade_failed&) { upgrading_ = probed_ = false; },
            [&](const input::deadline_fired& d) { on_deadline(d, now, out); },
            [&](const input::transport_lost& t) {
                close(t.clean ? close_reason::transport_close : close_reason::transport_error, out);
            },
            [&](const input::outbox_full&) {
                if (closed_ || overflowed_)
                    return;
                overflowed_ = true;
                out.push(action::close_later{close_reason::slow_reader});
            },
            [&](const input::close_requested& c) { close(c.reason, out); },
        },
        in);
    return out;
}

void session::on_packet(packet_type t, clock::time_point now, session_actions& out) {
    if (closed_)
        return;
    switch (t) {
    case packet_type::message:
        out.push(action::deliver{});
        break;
    case packet_type::pong:
        if (awaiting_pong_) { // a pong nobody asked for (late, or unprompted) changes nothing
            awaiting_pong_ = false;
            ++epoch_;
            arm(lane::ping, now, out);
        }
        break;
    case packet_type::close:
        close(close_reason::transport_close, out);
        break;
    case packet_type::noop:
    case packet_type::ping: // v4 clients do not ping; a stray one is harmless
        break;
    case packet_type::open:
    case packet_type::upgrade: // "5" belongs on the probing WebSocket only
        close(close_reason::parse_error, out);
        break;
    }
}

void session::on_get(bool outbox_empty, session_actions& out) {
    auto answer = [&](action::get_answer with) {
        get_parked_ = false;
        noop_due_ = false;
        out.push(action::answer_get{with});
    };
    // NOLINTBEGIN(bugprone-branch-clone): two conditions answer noop, apart, because the order of
    // the checks is the rule (a payload or a close goes before the probe's noop).
    if (noop_due_ || writer_ != transport::polling)
        answer(action::get_answer::noop);
    else if (!outbox_empty)
        answer(action::get_answer::payload);
    else if (closed_)
        answer(action::get_answer::close);
    else if (probed_)
        // Probed: the client pauses polling and waits for this GET before it sends "5", so a GET
        // that arrives after the probe must not be parked either.
        answer(action::get_answer::noop);
    else
        out.push(action::park_get{});
    // NOLINTEND(bugprone-branch-clone)
}

void session::on_deadline(input::deadline_fired d, clock::time_point now, session_actions& out) {
    if (closed_)
        return;
    switch (d.lane) {
    case lane::ping:
        if (d.epoch != epoch_ || awaiting_pong_)
            return;
        awaiting_pong_ = true;
        out.push(action::queue_packet{packet_type::ping});
        ++epoch_;
        arm(lane::pong, now, out);
        break;
    case lane::pong:
        if (d.epoch == epoch_ && awaiting_pong_)
            close(close_reason::ping_timeout, out);
        break;
    case lane::connect:
        out.push(action::connect_deadline{});
        break;
    }
}

void session::close(close_reason r, session_actions& out) {
    if (closed_)
        return;
    closed_ = true;
    upgrading_ = probed_ = false;
    out.push(action::close_session{r});
    if (r == close_reason::slow_reader)
        out.push(action::drop_queued{});
    if (writer_ == transport::polling) {
        // A client that closed itself gets a noop on its parked GET (as the reference server's
        // polling transport does); any other close reaches it as a close packet. Over WebSocket
        // the close frame says it.
        if (r == close_reason::transport_close) {
            noop_due_ = get_parked_;
        } else {
            out.push(action::queue_packet{packet_type::close});
        }
        if (get_parked_)
            out.push(action::wake_get{});
    }
    out.push(action::end_writer{});
}

void session::arm(lane l, clock::time_point now, session_actions& out) {
    clock::duration delay = l == lane::ping   ? config_.ping_interval
                            : l == lane::pong ? config_.ping_timeout
                                              : config_.connect_timeout;
    out.push(action::arm_deadline{l, epoch_, now + delay});
}

} // namespace imedge::protocol::engineio
