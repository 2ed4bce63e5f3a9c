// Pending-session caps and what a session keeps of its handshake; counters() from inside a
// handler; per-shard services.
#include "fixture.hpp"
#include "test_client.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>

using namespace imedge::testing;
namespace server = imedge::server;
using server::event;
using server::payload;

namespace {

// The connect handler of "/hs" refuses every socket, naming the headers its handshake kept
// (and the cookie), so a test can read what a session holds.
void add_handshake_probe(server::app& a) {
    a.of("/hs").on_connect([](server::connect_request& r) {
        std::string kept;
        for (const auto& [name, value] : r.handshake->headers)
            kept += name + ";";
        auto cookie = r.handshake->header("cookie");
        return server::connect_result::reject(kept +
                                              "cookie=" + std::string(cookie.value_or("none")));
    });
}

std::string handshake_request(std::string_view extra = {}) {
    return "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n" + std::string(extra) +
           "Connection: close\r\n\r\n";
}

struct shard_state {
    std::size_t shard;
    std::thread::id thread;
    int calls = 0;
};
struct never_registered {};

} // namespace

TEST_SUITE("component") {

    TEST_CASE("pending sessions are capped per address and per shard; a CONNECT frees the place; "
              "other addresses still connect") {
        auto o = test_options(1);
        o.limits.pending_sessions_per_address = 5;
        o.limits.pending_sessions = 7;
        server::app a(o);
        a.of("/");
        auto running = a.start();
        auto port = running->port();
        auto open_from = [&](std::string_view from) {
            return raw_http(port, handshake_request(), from);
        };
        std::vector<std::string> sids;
        for (int i = 0; i < 5; ++i)
            sids.push_back(json_field(open_from("127.0.0.1"), "sid"));
        CHECK(std::count_if(sids.begin(), sids.end(), [](auto& s) { return !s.empty(); }) == 5);
        auto refused = open_from("127.0.0.1");
        CHECK(refused.starts_with("HTTP/1.1 503"));
        CHECK(refused.find("too many pending sessions") != std::string::npos);
        CHECK(open_from("127.0.0.2").find("0{\"sid\":") != std::string::npos);
        CHECK(open_from("127.0.0.3").find("0{\"sid\":") != std::string::npos);
        CHECK(open_from("127.0.0.4").starts_with("HTTP/1.1 503")); // the shard's total
        CHECK(running->counters(0).pending_sessions == 7);
        CHECK(running->counters(0).refused_handshakes == 2);

        // A session that completes its CONNECT leaves the count, and its address may open
        // another one.
        polling_client c(port);
        CHECK(c.post("EIO=4&transport=polling&sid=" + sids[0], "40").body == "ok");
        CHECK(c.get("EIO=4&transport=polling&sid=" + sids[0]).body.starts_with("40{\"sid\":"));
        CHECK(running->counters(0).pending_sessions == 6);
        CHECK(open_from("127.0.0.1").find("0{\"sid\":") != std::string::npos);
        CHECK(open_from("127.0.0.2").starts_with("HTTP/1.1 503")); // the total again
        running->stop();
    }

    TEST_CASE("many abandoned handshakes from one address: memory bounded by the cap, headers "
              "not kept, another client connects") {
        auto o = test_options(1);
        o.limits.pending_sessions_per_address = 64;
        o.kept_headers = {"X-Tenant"};
        server::app a(o);
        a.of("/");
        add_handshake_probe(a);
        auto running = a.start();
        auto port = running->port();
        // Each handshake carries 12 KiB of headers a session must not keep.
        std::string junk = "X-Junk: " + std::string(12 * 1024, 'j') + "\r\n";
        int opened = 0;
        int refused = 0;
        for (int i = 0; i < 300; ++i) {
            auto r = raw_http(port, handshake_request(junk));
            opened += r.find("0{\"sid\":") != std::string::npos;
            refused += r.starts_with("HTTP/1.1 503");
        }
        CHECK(opened == 64);
        CHECK(refused == 236);
        CHECK(running->counters(0).pending_sessions == 64);
        CHECK(running->counters(0).sessions == 64);

        // Another address gets in, completes its CONNECT and is served; what its session kept
        // of the handshake is the short list, not the junk.
        polling_client probe(port);
        auto other = json_field(raw_http(port, handshake_request(), "127.0.0.2"), "sid");
        REQUIRE(!other.empty());
        CHECK(probe.post("EIO=4&transport=polling&sid=" + other, "40").body == "ok");
        CHECK(probe.get("EIO=4&transport=polling&sid=" + other).body.starts_with("40{\"sid\":"));
        auto hs = raw_http(
            port,
            handshake_request("Cookie: io=abc\r\nX-Tenant: t1\r\n" + junk + "User-Agent: test\r\n"),
            "127.0.0.2");
        auto sid = json_field(hs, "sid");
        REQUIRE(!sid.empty());
        CHECK(probe.post("EIO=4&transport=polling&sid=" + sid, "40/hs,").body == "ok");
        auto answer = probe.get("EIO=4&transport=polling&sid=" + sid).body;
        CHECK(answer == "44/hs,{\"message\":\"cookie;x-tenant;user-agent;cookie=io=abc\"}");
        running->stop();
    }

    TEST_CASE("counters() called from inside a handler returns") {
        auto o = test_options(2);
        server::app a(o);
        std::atomic<server::running_server*> running_ptr{nullptr};
        a.of("/").on("count", [&running_ptr](event& e) {
            auto* r = running_ptr.load();
            std::uint64_t accepted = 0;
            for (std::size_t i = 0; i < r->shard_count(); ++i)
                accepted += r->counters(i).accepted; // this shard's own included
            e.ack(payload().add_int(static_cast<std::int64_t>(accepted)));
        });
        auto running = a.start();
        running_ptr = running.get();
        for (int i = 0; i < 4; ++i) { // spread over both shards
            ws_client c(running->port());
            c.connect_namespace();
            c.emit("count", {}, 1);
            auto ack = c.read_until("431");
            REQUIRE(ack);
            CHECK(std::stoi(ack->substr(4)) >= i + 1);
        }
        running->stop();
    }

    TEST_CASE("per_shard<T>: one instance per shard, made on its thread, reached from Socket.IO "
              "and plain WebSocket handlers") {
        auto o = test_options(2);
        server::app a(o);
        a.per_shard<shard_state>([](std::size_t shard) {
            return shard_state{shard, std::this_thread::get_id()};
        });
        a.of("/")
            .on("svc",
                [](event& e) {
                    auto& st = e.io.local<shard_state>();
                    bool own =
                        st.shard == e.io.shard_index() && st.thread == std::this_thread::get_id();
                    e.ack(payload().add_bool(own).add_int(++st.calls));
                })
            .on("none", [](event& e) {
                try {
                    e.io.local<never_registered>();
                    e.ack(payload().add_string("found"));
                } catch (const server::no_such_service&) {
                    e.ack(payload().add_string("none"));
                }
            });
        a.websocket("/p", [](server::websocket_peer& peer, std::string_view,
                             imedge::protocol::engineio::frame_kind kind) {
            auto& st = peer.io().local<shard_state>();
            peer.send(std::to_string(st.shard) + ":" + std::to_string(++st.calls), kind);
        });
        auto running = a.start();
        std::vector<int> calls_seen(2, 0);
        for (int i = 0; i < 6; ++i) {
            ws_client c(running->port());
            c.connect_namespace();
            std::size_t shard = shard_of(c.sid());
            c.emit("svc", {}, 1);
            CHECK(c.read_until("431") == "431[true," + std::to_string(++calls_seen[shard]) + "]");
            c.emit("none", {}, 2);
            CHECK(c.read_until("432") == "432[\"none\"]");
        }
        boost::asio::io_context context;
        boost::beast::websocket::stream<tcp::socket> ws(context);
        ws.next_layer().connect(
            tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), running->port()));
        ws.handshake("127.0.0.1", "/p");
        ws.text(true);
        ws.write(boost::asio::buffer(std::string_view("x")));
        boost::beast::flat_buffer b;
        ws.read(b);
        auto text = boost::beast::buffers_to_string(b.data());
        auto shard = static_cast<std::size_t>(std::stoi(text.substr(0, text.find(':'))));
        CHECK(text == std::to_string(shard) + ":" + std::to_string(calls_seen[shard] + 1));
        ws.close(boost::beast::websocket::close_code::normal);
        running->stop();
    }
}
