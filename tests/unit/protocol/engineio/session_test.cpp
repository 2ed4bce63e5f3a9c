// Unit tests for protocol/engineio/session: inputs fed by hand, the returned actions compared
// step by step (the style of Boost.Redis's reader_fsm tests). No sockets, no clocks.
#include "protocol/engineio/session.hpp"

#include <doctest.h>

#include <string>
#include <vector>

namespace {

namespace eio = imedge::protocol::engineio;
namespace in = eio::input;
namespace act = eio::action;
using namespace std::chrono_literals;
using eio::close_reason;
using eio::http_error;
using eio::lane;
using eio::packet_type;
using answer = act::get_answer;
using action_list = std::vector<eio::session_action>;

const eio::clock::time_point t0 = eio::clock::time_point{} + 1h;

// A readable name for failure messages.
std::string name(const eio::session_action& a) {
    struct namer {
        std::string operator()(const act::queue_packet& p) const {
            return std::string("queue_packet ") + static_cast<char>(p.type);
        }
        std::string operator()(const act::deliver&) const { return "deliver"; }
        std::string operator()(const act::arm_deadline& d) const {
            return "arm_deadline lane " + std::to_string(static_cast<int>(d.lane)) + " epoch " +
                   std::to_string(d.epoch);
        }
        std::string operator()(const act::connect_deadline&) const { return "connect_deadline"; }
        std::string operator()(const act::answer_get& g) const {
            return "answer_get " + std::to_string(static_cast<int>(g.with));
        }
        std::string operator()(const act::park_get&) const { return "park_get"; }
        std::string operator()(const act::wake_get&) const { return "wake_get"; }
        std::string operator()(const act::reply_error& e) const {
            return "reply_error " + std::to_string(static_cast<int>(e.error));
        }
        std::string operator()(const act::close_session& c) const {
            return "close_session " + std::string(eio::to_string(c.reason));
        }
        std::string operator()(const act::drop_queued&) const { return "drop_queued"; }
        std::string operator()(const act::close_later& c) const {
            return "close_later " + std::string(eio::to_string(c.reason));
        }
        std::string operator()(const act::end_writer&) const { return "end_writer"; }
        std::string operator()(const act::accept_upgrade&) const { return "accept_upgrade"; }
        std::string operator()(const act::accept_and_close&) const { return "accept_and_close"; }
        std::string operator()(const act::answer_probe&) const { return "answer_probe"; }
        std::string operator()(const act::refuse_upgrade&) const { return "refuse_upgrade"; }
        std::string operator()(const act::switch_transport&) const { return "switch_transport"; }
    };
    return std::visit(namer{}, a);
}

std::string names(const action_list& l) {
    std::string s;
    for (const auto& a : l)
        s += (s.empty() ? "" : ", ") + name(a);
    return "[" + s + "]";
}

// One session and its clock; step() feeds an input and returns the actions as a list.
struct harness {
    eio::session s;
    eio::clock::time_point now = t0;

    explicit harness(eio::transport t = eio::transport::polling, bool connect_deadline = false)
        : s([&] {
              eio::session_config c;
              c.initial = t;
              c.ping_interval = 300ms;
              c.ping_timeout = 200ms;
              c.connect_timeout = 1s;
              c.connect_deadline = connect_deadline;
              return c;
          }()) {}

    action_list step(const eio::session_input& i) {
        auto acts = s.resume(i, now);
        REQUIRE(acts.size() <= eio::session_actions::capacity);
        return {acts.begin(), acts.end()};
    }
};

#define CHECK_ACTIONS(got, ...)                                                                    \
    do {                                                                                           \
        action_list got_ = (got);                                                                  \
        action_list want_{__VA_ARGS__};                                                            \
        INFO("got  ", names(got_));                                                                \
        INFO("want ", names(want_));                                                               \
        CHECK(got_ == want_);                                                                      \
    } while (false)

// The steps of a polling session up to a parked GET.
harness parked_polling() {
    harness h;
    h.step(in::open{});
    CHECK_ACTIONS(h.step(in::get_arrived{false}), act::answer_get{answer::payload});
    CHECK_ACTIONS(h.step(in::get_arrived{true}), act::park_get{});
    return h;
}

const act::arm_deadline ping_at(std::uint32_t epoch, eio::clock::time_point due) {
    return {lane::ping, epoch, due};
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("session: close reasons are Socket.IO's strings") {
        CHECK(eio::to_string(close_reason::transport_close) == "transport close");
        CHECK(eio::to_string(close_reason::transport_error) == "transport error");
        CHECK(eio::to_string(close_reason::ping_timeout) == "ping timeout");
        CHECK(eio::to_string(close_reason::parse_error) == "parse error");
        CHECK(eio::to_string(close_reason::forced_close) == "forced close");
        CHECK(eio::to_string(close_reason::server_shutting_down) == "server shutting down");
        CHECK(eio::to_string(close_reason::slow_reader) == "slow reader");
        CHECK(eio::to_string(close_reason::connect_timeout) == "connect timeout");
    }

    TEST_CASE("session: open queues the open packet and arms the ping (and connect) lanes") {
        harness plain;
        CHECK_ACTIONS(plain.step(in::open{}), act::queue_packet{packet_type::open},
                      ping_at(0, t0 + 300ms));
        harness sio(eio::transport::websocket, true);
        CHECK_ACTIONS(sio.step(in::open{}), act::queue_packet{packet_type::open},
                      ping_at(0, t0 + 300ms), act::arm_deadline{lane::connect, 0, t0 + 1s});
        sio.now += 1s;
        CHECK_ACTIONS(sio.step(in::deadline_fired{lane::connect, 0}), act::connect_deadline{});
    }

    TEST_CASE("session: ping, pong and the epoch; stale deadlines do nothing") {
        harness h(eio::transport::websocket);
        h.step(in::open{});
        h.now += 300ms;
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::ping, 0}),
                      act::queue_packet{packet_type::ping},
                      act::arm_deadline{lane::pong, 1, h.now + 200ms});
        CHECK(h.s.awaiting_pong());
        // A second ping deadline of the old epoch (a duplicate) sends no second ping.
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::ping, 0}));
        h.now += 50ms;
        CHECK_ACTIONS(h.step(in::packet_received{packet_type::pong}), ping_at(2, h.now + 300ms));
        CHECK_FALSE(h.s.awaiting_pong());
        // The pong deadline of epoch 1 is now stale.
        h.now += 150ms;
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::pong, 1}));
        CHECK_FALSE(h.s.closed());
        // The next round goes the same way with the new epoch.
        h.now += 150ms;
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::ping, 2}),
                      act::queue_packet{packet_type::ping},
                      act::arm_deadline{lane::pong, 3, h.now + 200ms});
        // No pong: the pong deadline closes the session; a WebSocket learns it from the close
        // frame the writer sends, not from a close packet.
        h.now += 200ms;
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::pong, 3}),
                      act::close_session{close_reason::ping_timeout}, act::end_writer{});
        CHECK(h.s.closed());
    }

    TEST_CASE("session: a late or unprompted pong changes nothing") {
        harness h(eio::transport::websocket);
        h.step(in::open{});
        CHECK_ACTIONS(h.step(in::packet_received{packet_type::pong})); // nobody asked
        h.step(in::deadline_fired{lane::ping, 0});
        h.step(in::deadline_fired{lane::pong, 1}); // timed out
        CHECK(h.s.closed());
        CHECK_ACTIONS(h.step(in::packet_received{packet_type::pong})); // too late
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::ping, 1}));
    }

    TEST_CASE("session: over polling a ping timeout answers the parked GET with a close packet") {
        auto h = parked_polling();
        h.step(in::deadline_fired{lane::ping, 0});
        // The ping was queued: the parked GET is woken and takes it.
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::payload});
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::park_get{});
        CHECK_ACTIONS(h.step(in::deadline_fired{lane::pong, 1}),
                      act::close_session{close_reason::ping_timeout},
                      act::queue_packet{packet_type::close}, act::wake_get{}, act::end_writer{});
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::payload});
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::reply_error{http_error::unknown_sid});
    }

    TEST_CASE("session: a second GET while one is parked ends the session") {
        auto h = parked_polling();
        CHECK_ACTIONS(h.step(in::get_arrived{true}),
                      act::close_session{close_reason::transport_error},
                      act::queue_packet{packet_type::close}, act::wake_get{}, act::end_writer{},
                      act::reply_error{http_error::bad_request});
        // The first GET returns with the close packet.
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::payload});
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::reply_error{http_error::unknown_sid});
    }

    TEST_CASE("session: a parked GET stays parked on a spurious wake and is answered by data") {
        auto h = parked_polling();
        CHECK_ACTIONS(h.step(in::get_woken{true}), act::park_get{});
        CHECK_ACTIONS(h.step(in::packet_received{packet_type::message}), act::deliver{});
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::payload});
        CHECK_FALSE(h.s.get_parked());
        CHECK_ACTIONS(h.step(in::get_woken{false})); // nobody is parked any more
    }

    TEST_CASE("session (reference behaviour): a close packet POSTed while a GET is parked "
              "answers that GET with a noop, and the session is gone") {
        auto h = parked_polling();
        CHECK_ACTIONS(h.step(in::post_arrived{}));
        CHECK_ACTIONS(h.step(in::packet_received{packet_type::close}),
                      act::close_session{close_reason::transport_close}, act::wake_get{},
                      act::end_writer{});
        // Even with packets still queued, the client that closed gets a noop.
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::noop});
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::reply_error{http_error::unknown_sid});
        CHECK_ACTIONS(h.step(in::post_arrived{}), act::reply_error{http_error::unknown_sid});
    }

    TEST_CASE("session: close requested while a GET is parked sends it the close packet") {
        auto h = parked_polling();
        CHECK_ACTIONS(h.step(in::close_requested{close_reason::forced_close}),
                      act::close_session{close_reason::forced_close},
                      act::queue_packet{packet_type::close}, act::wake_get{}, act::end_writer{});
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::payload});
        // Closing twice does nothing.
        CHECK_ACTIONS(h.step(in::close_requested{close_reason::server_shutting_down}));
    }

    TEST_CASE("session: a closed polling session with nothing queued answers a close") {
        auto h = parked_polling();
        h.step(in::close_requested{close_reason::slow_reader});
        // The queue (and the close packet with it) may have been consumed by another answer.
        CHECK_ACTIONS(h.step(in::get_woken{true}), act::answer_get{answer::close});
    }

    TEST_CASE("session: outbox overflow closes later as a slow reader, dropping the queue") {
        harness h(eio::transport::websocket);
        h.step(in::open{});
        CHECK(h.s.accepts_packets());
        CHECK_ACTIONS(h.step(in::outbox_full{}), act::close_later{close_reason::slow_reader});
        CHECK_FALSE(h.s.accepts_packets());
        CHECK_FALSE(h.s.closed());
        CHECK_ACTIONS(h.step(in::outbox_full{})); // once
        CHECK_ACTIONS(h.step(in::close_requested{close_reason::slow_reader}),
                      act::close_session{close_reason::slow_reader}, act::drop_queued{},
                      act::end_writer{});
    }

    TEST_CASE("session: packets after close do nothing") {
        harness h(eio::transport::websocket);
        h.step(in::open{});
        CHECK_ACTIONS(h.step(in::transport_lost{true}),
                      act::close_session{close_reason::transport_close}, act::end_writer{});
        for (auto t : {packet_type::message, packet_type::pong, packet_type::close,
                       packet_type::open, packet_type::upgrade})
            CHECK_ACTIONS(h.step(in::packet_received{t}));
        CHECK_ACTIONS(h.step(in::bad_packet{}));
        CHECK_ACTIONS(h.step(in::outbox_full{}));
        CHECK_ACTIONS(h.step(in::transport_lost{false}));
        CHECK_FALSE(h.s.accepts_packets());
    }

    TEST_CASE("session: packets the client may not send close with parse error") {
        for (auto t : {packet_type::open, packet_type::upgrade}) {
            harness h(eio::transport::websocket);
            h.step(in::open{});
            CHECK_ACTIONS(h.step(in::packet_received{t}),
                          act::close_session{close_reason::parse_error}, act::end_writer{});
        }
        harness noop(eio::transport::websocket);
        CHECK_ACTIONS(noop.step(in::packet_received{packet_type::noop}));
        CHECK_ACTIONS(noop.step(in::packet_received{packet_type::ping}));
        harness bad;
        bad.step(in::open{});
        CHECK_ACTIONS(bad.step(in::bad_payload{true}),
                      act::close_session{close_reason::transport_error},
                      act::queue_packet{packet_type::close}, act::end_writer{},
                      act::reply_error{http_error::bad_request});
        harness malformed;
        CHECK_ACTIONS(malformed.step(in::bad_payload{false}),
                      act::close_session{close_reason::parse_error},
                      act::queue_packet{packet_type::close}, act::end_writer{},
                      act::reply_error{http_error::bad_request});
    }

    TEST_CASE("session: the upgrade; the probe releases a parked GET with a noop") {
        auto h = parked_polling();
        CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_upgrade{});
        CHECK(h.s.upgrading());
        CHECK(h.s.writer() == eio::transport::polling);
        CHECK_ACTIONS(h.step(in::probe_received{true}), act::answer_probe{}, act::wake_get{});
        // Released with a noop even though a packet is queued: it waits for the WebSocket.
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::noop});
        // Polling still works until "5" (packets queued during the probe are not lost), but
        // a GET with nothing to take is not parked: the client waits for it before sending "5".
        CHECK_ACTIONS(h.step(in::get_arrived{false}), act::answer_get{answer::payload});
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::answer_get{answer::noop});
        CHECK_ACTIONS(h.step(in::upgrade_received{true}), act::switch_transport{});
        CHECK(h.s.writer() == eio::transport::websocket);
        CHECK_FALSE(h.s.upgrading());
        // Polling is refused from now on.
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::reply_error{http_error::bad_request});
        CHECK_ACTIONS(h.step(in::post_arrived{}), act::reply_error{http_error::bad_request});
        // Closing now is the WebSocket's business: no close packet.
        CHECK_ACTIONS(h.step(in::close_requested{close_reason::forced_close}),
                      act::close_session{close_reason::forced_close}, act::end_writer{});
    }

    TEST_CASE("session: a GET parked at the moment of the upgrade packet is released") {
        auto h = parked_polling();
        h.step(in::upgrade_requested{});
        // The GET was parked before the probe, and is still (its wake-up not yet run).
        CHECK_ACTIONS(h.step(in::probe_received{true}), act::answer_probe{}, act::wake_get{});
        CHECK_ACTIONS(h.step(in::upgrade_received{true}), act::switch_transport{}, act::wake_get{});
        CHECK_ACTIONS(h.step(in::get_woken{false}), act::answer_get{answer::noop});
        CHECK_ACTIONS(h.step(in::get_arrived{true}), act::reply_error{http_error::bad_request});
    }

    TEST_CASE("session: a concurrent second upgrade is refused; one transport owns the writer") {
        harness h;
        h.step(in::open{});
        CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_upgrade{});
        // The second arrives before the first has even completed its handshake.
        CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_and_close{});
        CHECK_ACTIONS(h.step(in::probe_received{true}), act::answer_probe{});
        CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_and_close{});
        CHECK_ACTIONS(h.step(in::upgrade_received{true}), act::switch_transport{});
        CHECK(h.s.writer() == eio::transport::websocket);
    }

    TEST_CASE("session (reference behaviour): a WebSocket for an upgraded session is accepted "
              "and closed; the session keeps its WebSocket") {
        harness h;
        h.step(in::open{});
        h.step(in::upgrade_requested{});
        h.step(in::probe_received{true});
        h.step(in::upgrade_received{true});
        CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_and_close{});
        CHECK_FALSE(h.s.closed());
        CHECK(h.s.writer() == eio::transport::websocket);
        harness direct(eio::transport::websocket);
        direct.step(in::open{});
        CHECK_ACTIONS(direct.step(in::upgrade_requested{}), act::accept_and_close{});
        direct.step(in::close_requested{close_reason::forced_close});
        CHECK_ACTIONS(direct.step(in::upgrade_requested{}),
                      act::reply_error{http_error::unknown_sid});
    }

    TEST_CASE("session: a failed or malformed upgrade leaves the session polling") {
        SUBCASE("bad probe") {
            harness h;
            h.step(in::open{});
            h.step(in::upgrade_requested{});
            CHECK_ACTIONS(h.step(in::probe_received{false}), act::refuse_upgrade{});
            CHECK_FALSE(h.s.upgrading());
            CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_upgrade{}); // may retry
        }
        SUBCASE("bad upgrade packet") {
            harness h;
            h.step(in::open{});
            h.step(in::upgrade_requested{});
            h.step(in::probe_received{true});
            CHECK_ACTIONS(h.step(in::upgrade_received{false}), act::refuse_upgrade{});
            CHECK(h.s.writer() == eio::transport::polling);
        }
        SUBCASE("the probing WebSocket fails") {
            harness h;
            h.step(in::open{});
            h.step(in::upgrade_requested{});
            h.step(in::upgrade_failed{});
            CHECK_FALSE(h.s.upgrading());
            CHECK_ACTIONS(h.step(in::upgrade_requested{}), act::accept_upgrade{});
        }
        SUBCASE("the session closes during the probe") {
            harness h;
            h.step(in::open{});
            h.step(in::upgrade_requested{});
            h.step(in::close_requested{close_reason::ping_timeout});
            CHECK_ACTIONS(h.step(in::probe_received{true}), act::refuse_upgrade{});
        }
        SUBCASE("a 5 before the probe") {
            harness h;
            h.step(in::open{});
            h.step(in::upgrade_requested{});
            CHECK_ACTIONS(h.step(in::upgrade_received{true}), act::refuse_upgrade{});
        }
    }
}
