// The Engine.IO v4 session as one sans-IO state machine (engine.io-protocol v4, "Heartbeat",
// "Upgrade", "HTTP long-polling"): the server feeds it what happened and carries out the actions
// it returns. No sockets, timers or clocks: time comes in as a value.
#pragma once

#include "handshake.hpp"
#include "packet.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <variant>

namespace imedge::protocol::engineio {

/// Why a session ended: Socket.IO's disconnect reasons, compared as values, spelled once.
enum class close_reason : std::uint8_t {
    transport_close,      // the client closed (close packet, WebSocket close frame)
    transport_error,      // the transport failed, or the client broke the polling rules
    ping_timeout,         // no pong within pingTimeout
    parse_error,          // a packet that does not decode, or one the client may not send
    forced_close,         // the application closed it
    server_shutting_down, // graceful stop
    slow_reader,          // the outbox passed its bound
    connect_timeout,      // Socket.IO: no CONNECT in time
    attachment_timeout,   // Socket.IO: a binary packet's attachments did not all come in time
    connect_backlog_full, // Socket.IO: too much sent while a connect handler ran
};

/// The reason as Socket.IO spells it ("transport close", "ping timeout", ...).
std::string_view to_string(close_reason r);

/// The deadline lanes of a session; each has one fixed delay (see deadline_lanes).
enum class lane : std::uint8_t { ping, pong, connect };

using clock = std::chrono::steady_clock;

namespace input {
/// The session was created (handshake answered): send the open packet, start the heartbeat.
struct open {};
/// A decoded packet from the client, over whichever transport carries it.
struct packet_received {
    packet_type type;
};
/// A packet that did not decode.
struct bad_packet {};
/// A polling POST whose payload was refused (`too_large`) or did not decode.
struct bad_payload {
    bool too_large;
};
/// A polling POST arrived (before its packets are fed).
struct post_arrived {};
/// A polling GET arrived; `outbox_empty`: nothing is queued for it.
struct get_arrived {
    bool outbox_empty;
};
/// The parked GET was woken (something was queued, or the session changed).
struct get_woken {
    bool outbox_empty;
};
/// A WebSocket request with this session's sid, before its handshake.
struct upgrade_requested {};
/// The probing WebSocket's first message; `valid`: it was the text "2probe".
struct probe_received {
    bool valid;
};
/// The probing WebSocket's second message; `valid`: it was the text "5".
struct upgrade_received {
    bool valid;
};
/// The probing WebSocket failed or timed out before the upgrade completed.
struct upgrade_failed {};
/// A deadline armed by arm_deadline fired.
struct deadline_fired {
    engineio::lane lane;
    std::uint32_t epoch;
};
/// The transport that owns the writer failed (`clean`: the peer closed it properly).
struct transport_lost {
    bool clean;
};
/// A packet did not fit in the outbox.
struct outbox_full {};
/// Something outside the session ends it.
struct close_requested {
    close_reason reason;
};
} // namespace input

using session_input =
    std::variant<input::open, input::packet_received, input::bad_packet, input::bad_payload,
                 input::post_arrived, input::get_arrived, input::get_woken,
                 input::upgrade_requested, input::probe_received, input::upgrade_received,
                 input::upgrade_failed, input::deadline_fired, input::transport_lost,
                 input::outbox_full, input::close_requested>;

namespace action {
/// Queue a control packet of this type (open carries the handshake JSON; ping, close: no data).
struct queue_packet {
    packet_type type;
    friend bool operator==(const queue_packet&, const queue_packet&) = default;
};
/// Hand the received message packet to the application.
struct deliver {
    friend bool operator==(const deliver&, const deliver&) = default;
};
/// Call `lane`'s callback with `epoch` at `due`.
struct arm_deadline {
    engineio::lane lane;
    std::uint32_t epoch;
    clock::time_point due;
    friend bool operator==(const arm_deadline&, const arm_deadline&) = default;
};
/// The connect lane fired: the layer above decides (Socket.IO closes without a CONNECT).
struct connect_deadline {
    friend bool operator==(const connect_deadline&, const connect_deadline&) = default;
};
enum class get_answer : std::uint8_t { payload, noop, close };
/// Answer the parked GET: with the queued packets, a noop `6`, or a close `1`.
struct answer_get {
    get_answer with;
    friend bool operator==(const answer_get&, const answer_get&) = default;
};
/// Keep the GET parked until get_woken.
struct park_get {
    friend bool operator==(const park_get&, const park_get&) = default;
};
/// Wake the parked GET so that it feeds get_woken.
struct wake_get {
    friend bool operator==(const wake_get&, const wake_get&) = default;
};
/// Answer the current HTTP request with this error.
struct reply_error {
    http_error error;
    friend bool operator==(const reply_error&, const reply_error&) = default;
};
/// The session is over: tell the application, forget the sid.
struct close_session {
    close_reason reason;
    friend bool operator==(const close_session&, const close_session&) = default;
};
/// Discard everything queued (a slow reader would not read it).
struct drop_queued {
    friend bool operator==(const drop_queued&, const drop_queued&) = default;
};
/// Close later, from the event loop (the overflowing send runs inside a broadcast or handler
/// that must not see the session vanish under it); feed close_requested then.
struct close_later {
    close_reason reason;
    friend bool operator==(const close_later&, const close_later&) = default;
};
/// Let the writer flush what is queued, then close its transport (within the close deadline).
struct end_writer {
    friend bool operator==(const end_writer&, const end_writer&) = default;
};
/// Complete the WebSocket handshake and probe it.
struct accept_upgrade {
    friend bool operator==(const accept_upgrade&, const accept_upgrade&) = default;
};
/// Complete the WebSocket handshake, then close that WebSocket (the reference server's answer
/// to an upgrade it will not take: the session keeps its transport).
struct accept_and_close {
    friend bool operator==(const accept_and_close&, const accept_and_close&) = default;
};
/// Write "3probe" on the probing WebSocket.
struct answer_probe {
    friend bool operator==(const answer_probe&, const answer_probe&) = default;
};
/// Close the probing WebSocket with a protocol error; the session keeps polling.
struct refuse_upgrade {
    friend bool operator==(const refuse_upgrade&, const refuse_upgrade&) = default;
};
/// The WebSocket owns the writer from now on.
struct switch_transport {
    friend bool operator==(const switch_transport&, const switch_transport&) = default;
};
} // namespace action

using session_action =
    std::variant<action::queue_packet, action::deliver, action::arm_deadline,
                 action::connect_deadline, action::answer_get, action::park_get, action::wake_get,
                 action::reply_error, action::close_session, action::drop_queued,
                 action::close_later, action::end_writer, action::accept_upgrade,
                 action::accept_and_close, action::answer_probe, action::refuse_upgrade,
                 action::switch_transport>;

/// The actions of one step, in the order they must be carried out. Fixed capacity: no step
/// returns more than `capacity` (checked by the unit tests' worst cases).
class session_actions {
public:
    static constexpr std::size_t capacity = 6;
    void push(session_action a) { items_[size_++] = a; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const session_action& operator[](std::size_t i) const { return items_[i]; }
    const session_action* begin() const { return items_.data(); }
    const session_action* end() const { return items_.data() + size_; }

private:
    std::array<session_action, capacity> items_{};
    std::size_t size_ = 0;
};

struct session_config {
    transport initial = transport::polling;
    clock::duration ping_interval = std::chrono::milliseconds(25000);
    clock::duration ping_timeout = std::chrono::milliseconds(20000);
    clock::duration connect_timeout = std::chrono::milliseconds(45000);
    bool connect_deadline = false; // arm the connect lane at open
};

/// One session's rules. Owned by the server's session object; single-threaded; a few bytes.
class session {
public:
    explicit session(session_config c) : config_(c), writer_(c.initial) {}

    /// One step: what happened at `now`, and what to do about it, in order.
    session_actions resume(const session_input& in, clock::time_point now);

    bool closed() const { return closed_; }
    /// Whether new outgoing packets are taken (not once closed or overflowing).
    bool accepts_packets() const { return !closed_ && !overflowed_; }
    /// The transport that owns the writer.
    transport writer() const { return writer_; }
    bool upgrading() const { return upgrading_; }
    bool get_parked() const { return get_parked_; }
    bool awaiting_pong() const { return awaiting_pong_; }
    std::uint32_t epoch() const { return epoch_; }

private:
    void on_packet(packet_type t, clock::time_point now, session_actions& out);
    void on_get(bool outbox_empty, session_actions& out);
    void on_deadline(input::deadline_fired d, clock::time_point now, session_actions& out);
    void close(close_reason r, session_actions& out);
    void arm(lane l, clock::time_point now, session_actions& out);

    session_config config_;
    transport writer_;
    std::uint32_t epoch_ = 0;
    bool closed_ = false;
    bool overflowed_ = false;
    bool upgrading_ = false;
    bool probed_ = false;
    bool get_parked_ = false;
    bool noop_due_ = false;
    bool awaiting_pong_ = false;
};

} // namespace imedge::protocol::engineio
