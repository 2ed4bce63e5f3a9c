// Long-polling where every request opens a new TCP connection, so requests land on any shard and
// reach the shard owning the session (the connection moves there, or the request is forwarded);
// also the GET/POST race and the upgrade (whose connection moves to the owner).
#include "fixture.hpp"
#include "test_client.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <doctest.h>

#include <future>

using namespace imedge::testing;
namespace beast = boost::beast;

TEST_SUITE("component") {

    // Each request on a fresh connection: most arrive on a shard that does not own the session.
    void fresh_connection_per_request(bool forward) {
        auto options = test_options(4);
        if (forward)
            options.polling_route = imedge::server::server_options::poll_route::always_forward;
        test_server server(options);
        for (int i = 0; i < 12; ++i) {
            polling_client c(server.port());
            c.handshake();
            CHECK(c.post(c.session_query(), "40").body == "ok");
            auto connected = c.get(c.session_query());
            CHECK(connected.body.starts_with("40{\"sid\":"));
            CHECK(c.post(c.session_query(), "421[\"join\",\"p\"]\x1e"
                                            "422[\"join\",\"q\"]")
                      .body == "ok");
            auto acks = c.get(c.session_query());
            CHECK(acks.body == "431[\"joined\"]\x1e"
                               "432[\"joined\"]");
        }
        std::uint64_t forwarded = 0;
        std::uint64_t handed_over = 0;
        std::uint64_t timeouts = 0;
        for (std::size_t s = 0; s < 4; ++s) {
            forwarded += server.running().counters(s).forwarded;
            handed_over += server.running().counters(s).handed_over;
            timeouts += server.running().counters(s).forward_timeouts;
        }
        // Requests really did arrive on shards that do not own the session, and took the route
        // asked for.
        if (forward) {
            CHECK(forwarded > 0);
            CHECK(handed_over == 0);
        } else {
            CHECK(handed_over > 0);
            CHECK(forwarded == 0);
        }
        CHECK(timeouts == 0);
    }

    TEST_CASE("polling sessions work when each request arrives on a fresh connection on any "
              "shard (the connection moves to the owner)") {
        fresh_connection_per_request(false);
    }

    TEST_CASE("polling sessions work when each request arrives on a fresh connection on any "
              "shard (forwarded to the owner, as TLS connections will be)") {
        fresh_connection_per_request(true);
    }

    TEST_CASE("a pending GET is answered by a POST that arrives on another connection") {
        test_server server(test_options(4));
        polling_client c(server.port());
        c.handshake();
        c.post(c.session_query(), "40");
        c.get(c.session_query());
        auto pending = std::async(std::launch::async, [&] { return c.get(c.session_query()); });
        CHECK(pending.wait_for(std::chrono::milliseconds(200)) ==
              std::future_status::timeout); // it is parked
        CHECK(c.post(c.session_query(), "427[\"join\",\"z\"]").body == "ok");
        CHECK(pending.get().body == "437[\"joined\"]");
    }

    TEST_CASE("a second concurrent GET ends the session") {
        test_server server(test_options(2));
        polling_client c(server.port());
        c.handshake();
        auto first = std::async(std::launch::async, [&] { return c.get(c.session_query()); });
        CHECK(first.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
        auto second = c.get(c.session_query());
        CHECK(second.status == 400);
        CHECK(first.get().body == "1"); // the parked GET learns of the close
        CHECK(c.get(c.session_query()).body == R"({"code":1,"message":"Session ID unknown"})");
    }

    TEST_CASE("upgrade to WebSocket from polling across shards, then polling is refused") {
        test_server server(test_options(4));
        polling_client c(server.port());
        c.handshake();
        c.post(c.session_query(), "40");
        CHECK(c.get(c.session_query()).body.starts_with("40"));

        auto parked = std::async(std::launch::async, [&] { return c.get(c.session_query()); });
        CHECK(parked.wait_for(std::chrono::milliseconds(100)) == std::future_status::timeout);

        boost::asio::io_context context;
        beast::websocket::stream<tcp::socket> ws(context);
        ws.next_layer().connect(
            tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
        ws.handshake("127.0.0.1", "/socket.io/?EIO=4&transport=websocket&sid=" + c.sid());
        ws.text(true);
        ws.write(boost::asio::buffer(std::string_view("2probe")));
        beast::flat_buffer buffer;
        ws.read(buffer);
        CHECK(beast::buffers_to_string(buffer.data()) == "3probe");
        CHECK(parked.get().body == "6"); // the noop that lets the client pause polling
        ws.write(boost::asio::buffer(std::string_view("5")));
        ws.write(boost::asio::buffer(std::string_view("429[\"join\",\"w\"]")));
        buffer.clear();
        ws.read(buffer);
        CHECK(beast::buffers_to_string(buffer.data()) == "439[\"joined\"]");
        CHECK(c.get(c.session_query()).status == 400); // the old transport is refused
        ws.close(beast::websocket::close_code::normal);
    }

    TEST_CASE("CORS: configured origins get allow headers on polling answers and preflights; "
              "others do not") {
        auto o = test_options(1);
        o.cors_origins = {"http://app.example"};
        test_server server(o);
        auto handshake = raw_http(server.port(),
                                  "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                                  "Origin: http://app.example\r\nConnection: close\r\n\r\n");
        CHECK(handshake.find("Access-Control-Allow-Origin: http://app.example\r\n") !=
              std::string::npos);
        CHECK(handshake.find("Access-Control-Allow-Credentials: true\r\n") != std::string::npos);
        CHECK(handshake.find("0{\"sid\":") != std::string::npos);

        auto preflight =
            raw_http(server.port(),
                     "OPTIONS /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                     "Origin: http://app.example\r\nAccess-Control-Request-Method: POST\r\n"
                     "Access-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n");
        CHECK(preflight.starts_with("HTTP/1.1 204"));
        CHECK(preflight.find("Access-Control-Allow-Methods: GET,POST\r\n") != std::string::npos);
        CHECK(preflight.find("Access-Control-Allow-Headers: Content-Type\r\n") !=
              std::string::npos);

        auto other = raw_http(server.port(),
                              "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                              "Origin: http://evil.example\r\nConnection: close\r\n\r\n");
        CHECK(other.find("Access-Control-Allow-Origin") == std::string::npos);
    }
}
