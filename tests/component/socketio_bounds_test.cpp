// Per-connection bounds of the Socket.IO layer (issue 8 items 2, 5, 12): incomplete binary
// packets, reserved event names on emit, and packets queued behind a coroutine connect handler.
// Each hostile client is closed (or refused) with a defined answer while another keeps working.
#include "fixture.hpp"
#include "test_client.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <doctest.h>

using namespace imedge::testing;
using namespace imedge::server;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

// A server with "/" (join, acks "joined"; try-emit(name) acks the error or "sent") and "/slow",
// whose coroutine connect handler takes `connect_delay` before accepting.
class bounds_server {
public:
    bounds_server(server_options o, std::chrono::milliseconds connect_delay) : app_(std::move(o)) {
        app_.of("/")
            .on("join",
                [](event& e) {
                    e.io.enter_room(e.sid, e.args.string_at(0));
                    e.ack(payload().add_string("joined"));
                })
            .on("try-emit", [](event& e) {
                try {
                    e.io.emit(e.args.string_at(0), payload().add_int(1));
                    e.ack(payload().add_string("sent"));
                } catch (const boost::system::system_error& error) {
                    e.ack(payload().add_string(error.code().message()));
                }
            });
        app_.of("/slow").on_connect(
            [connect_delay](connect_request) -> boost::asio::awaitable<connect_result> {
                boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor,
                                               connect_delay);
                co_await wait.async_wait(boost::asio::use_awaitable);
                co_return connect_result::accept();
            });
        running_ = app_.start();
    }
    std::uint16_t port() const { return running_->port(); }
    const running_server& running() const { return *running_; }

private:
    app app_;
    std::unique_ptr<running_server> running_;
};

// A connect handler that outlives every test (the server's stop does not wait for it).
constexpr auto never = std::chrono::milliseconds(60000);

// The well-behaved client's proof of life: an ack round trip on "/".
void check_alive(ws_client& good) {
    good.emit("join", R"("r")", 9);
    CHECK(good.read_until("439") == R"(439["joined"])");
}

// Reads until the server closes `victim`; true when it did within `limit`.
bool closed_within(ws_client& victim, std::chrono::milliseconds limit) {
    auto start = clock_type::now();
    while (victim.read()) {
    }
    return victim.closed() && clock_type::now() - start < limit;
}

} // namespace

TEST_SUITE("component") {

    TEST_CASE("an incomplete binary packet is closed after the attachment timeout") {
        auto o = test_options(1);
        o.limits.attachment_timeout_ms = 300;
        bounds_server server(o, 0ms);
        ws_client good(server.port());
        good.connect_namespace();
        ws_client victim(server.port());
        victim.connect_namespace();
        auto start = clock_type::now();
        victim.send_text(
            R"(452-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
        victim.send_binary("only the first part");
        check_alive(good); // served while the victim's packet is pending
        CHECK(closed_within(victim, 5000ms));
        CHECK(clock_type::now() - start >= 250ms); // the deadline, not an earlier refusal
        CHECK(server.running().counters(0).attachment_timeouts == 1); // counted before the close
        check_alive(good);
    }

    TEST_CASE("a binary packet past the byte or count bound is refused at once") {
        auto o = test_options(1);
        o.max_payload = 100000;
        bounds_server server(o, 0ms);
        ws_client good(server.port());
        good.connect_namespace();
        SUBCASE("two parts within maxPayload each, over it together") {
            ws_client victim(server.port());
            victim.connect_namespace();
            victim.send_text(
                R"(452-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
            victim.send_binary(std::string(60000, 'a'));
            victim.send_binary(std::string(60000, 'b'));
            CHECK(closed_within(victim, 2000ms));
        }
        SUBCASE("more than 10 attachments announced") {
            ws_client victim(server.port());
            victim.connect_namespace();
            victim.send_text(R"(4511-["up"])");
            CHECK(closed_within(victim, 2000ms));
        }
        SUBCASE("a placeholder whose num is a string (issue 8 item 7)") {
            ws_client victim(server.port());
            victim.connect_namespace();
            victim.send_text(R"(451-["up",{"_placeholder":true,"num":"0"}])");
            victim.send_binary("x");
            CHECK(closed_within(victim, 2000ms));
        }
        check_alive(good);
    }

    TEST_CASE("emit refuses empty and reserved event names; nothing reaches the clients") {
        bounds_server server(test_options(2), 0ms);
        ws_client good(server.port());
        good.connect_namespace();
        ws_client caller(server.port());
        caller.connect_namespace();
        for (std::string name : {"connect", "disconnect", "connect_error", "disconnecting",
                                 "newListener", "removeListener", ""}) {
            CAPTURE(name);
            caller.emit("try-emit", "\"" + name + "\"", 1);
            CHECK(caller.read_until("431") == R"(431["event name is empty or reserved"])");
        }
        caller.emit("try-emit", R"("fine")", 2);
        CHECK(caller.read_until("432") == R"(432["sent"])");
        // the first event the bystander sees is the valid one
        CHECK(good.read_until("42") == R"(42["fine",1])");
        check_alive(good);
    }

    TEST_CASE("a coroutine connect handler that never finishes: the connect timeout covers it") {
        auto o = test_options(1);
        o.connect_timeout_ms = 300;
        bounds_server server(o, never);
        ws_client good(server.port());
        good.connect_namespace();
        ws_client victim(server.port());
        auto start = clock_type::now();
        victim.send_text("40/slow,");
        CHECK(closed_within(victim, 5000ms));
        CHECK(clock_type::now() - start >= 250ms);
        check_alive(good);
    }

    TEST_CASE("packets queued behind a coroutine connect handler are bounded") {
        auto o = test_options(1);
        o.max_payload = 100000;
        o.limits.connect_backlog_limit = 8;
        bounds_server server(o, never);
        ws_client good(server.port());
        good.connect_namespace();
        SUBCASE("in count") {
            ws_client victim(server.port());
            victim.send_text("40/slow,");
            for (int i = 0; i < 9; ++i)
                victim.send_text(R"(42/slow,["x"])");
            CHECK(closed_within(victim, 2000ms));
        }
        SUBCASE("in bytes") {
            ws_client victim(server.port());
            victim.send_text("40/slow,");
            std::string big = R"(42/slow,[")" + std::string(60000, 'y') + R"("])";
            victim.send_text(big);
            victim.send_text(big);
            CHECK(closed_within(victim, 2000ms));
        }
        check_alive(good);
    }

    TEST_CASE("within both bounds, packets wait for the connect handler and are then handled") {
        auto o = test_options(1);
        o.limits.connect_backlog_limit = 8;
        bounds_server server(o, 500ms);
        ws_client patient(server.port(), "/socket.io/?EIO=4&transport=websocket", 10000ms);
        patient.send_text("40/slow,");
        for (int i = 0; i < 8; ++i)
            patient.send_text(R"(42/slow,["x"])");
        CHECK(patient.read_until("40/slow,"));
        CHECK_FALSE(patient.closed());
    }
}
