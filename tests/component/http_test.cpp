// The HTTP layer: routes, CORS (the npm cors package's meaning), the WebSocket Origin check,
// the pending-session caps, counters read from a handler, per-shard services.
#include "fixture.hpp"
#include "test_client.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace imedge::testing;
namespace server = imedge::server;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

bool has(const std::string& response, std::string_view header_line) {
    return response.find(std::string(header_line) + "\r\n") != std::string::npos;
}

std::string request(std::string_view method, std::string_view target,
                    std::string_view extra_headers = {}) {
    return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n" +
           std::string(extra_headers) + "Connection: close\r\n\r\n";
}

const char* const handshake_target = "/socket.io/?EIO=4&transport=polling";

// A WebSocket handshake with an Origin header (empty: none). Returns the HTTP status the
// server answered (101 when the upgrade went through) and the body of a refusal.
std::pair<unsigned, std::string> upgrade(std::uint16_t port, std::string_view target,
                                         std::string origin) {
    boost::asio::io_context context;
    websocket::stream<tcp::socket> ws(context);
    ws.next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
        if (!origin.empty())
            req.set(beast::http::field::origin, origin);
    }));
    websocket::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1", target, ec);
    if (!ec)
        ws.close(websocket::close_code::normal, ec);
    return {res.result_int(), res.body()};
}

server::server_options options_with_origins(std::vector<std::string> origins) {
    auto o = test_options(1);
    o.cors_origins = std::move(origins);
    return o;
}

} // namespace

TEST_SUITE("component") {

    TEST_CASE("routes: /healthz answers JSON, a wrong method 405 with Allow, an unknown path 404") {
        test_server server(test_options(2));
        auto health = raw_http(server.port(), request("GET", "/healthz"));
        CHECK(health.starts_with("HTTP/1.1 200"));
        CHECK(has(health, "Content-Type: application/json"));
        CHECK(health.find("{\"status\":\"ok\",\"shard\":") != std::string::npos);
        auto post = raw_http(server.port(), request("POST", "/healthz"));
        CHECK(post.starts_with("HTTP/1.1 405"));
        CHECK(has(post, "Allow: GET"));
        CHECK(raw_http(server.port(), request("GET", "/nowhere")).starts_with("HTTP/1.1 404"));
        // "/socket.io" (no slash) still reaches the Socket.IO endpoint.
        CHECK(raw_http(server.port(), request("GET", "/socket.io?EIO=4&transport=polling"))
                  .find("0{\"sid\":") != std::string::npos);
    }

    TEST_CASE("CORS '*': a literal *, never credentials, never the Origin reflected, not even "
              "null") {
        test_server server(options_with_origins({"*"}));
        for (std::string origin : {"http://a.example", "null"}) {
            CAPTURE(origin);
            auto r = raw_http(server.port(),
                              request("GET", handshake_target, "Origin: " + origin + "\r\n"));
            CHECK(r.find("0{\"sid\":") != std::string::npos);
            CHECK(has(r, "Access-Control-Allow-Origin: *"));
            CHECK(r.find("Access-Control-Allow-Credentials") == std::string::npos);
            CHECK(r.find("Access-Control-Allow-Origin: " + origin) == std::string::npos);
        }
        // A WebSocket from any origin goes through ('*' is no allow-list).
        CHECK(upgrade(server.port(), "/socket.io/?EIO=4&transport=websocket", "http://b.example")
                  .first == 101);
    }

    TEST_CASE("CORS allow-list: listed origins reflected with credentials, others and null get "
              "nothing") {
        test_server server(options_with_origins({"http://app.example"}));
        auto listed = raw_http(server.port(),
                               request("GET", handshake_target, "Origin: http://app.example\r\n"));
        CHECK(has(listed, "Access-Control-Allow-Origin: http://app.example"));
        CHECK(has(listed, "Access-Control-Allow-Credentials: true"));
        CHECK(has(listed, "Vary: Origin"));
        CHECK(listed.find("0{\"sid\":") != std::string::npos);
        for (std::string origin : {"http://evil.example", "null", "http://app.example.evil"}) {
            CAPTURE(origin);
            auto other = raw_http(server.port(),
                                  request("GET", handshake_target, "Origin: " + origin + "\r\n"));
            CHECK(other.find("Access-Control-Allow") == std::string::npos);
            CHECK(has(other, "Vary: Origin"));
        }
    }

    TEST_CASE("CORS preflight: GET and POST, Content-Type plus the configured headers; requested "
              "headers are never reflected") {
        auto o = options_with_origins({"http://app.example"});
        o.cors_allowed_headers = {"X-Token"};
        test_server server(o);
        auto preflight =
            raw_http(server.port(), request("OPTIONS", handshake_target,
                                            "Origin: http://app.example\r\n"
                                            "Access-Control-Request-Method: POST\r\n"
                                            "Access-Control-Request-Headers: x-evil, x-token\r\n"));
        CHECK(preflight.starts_with("HTTP/1.1 204"));
        CHECK(has(preflight, "Access-Control-Allow-Origin: http://app.example"));
        CHECK(has(preflight, "Access-Control-Allow-Credentials: true"));
        CHECK(has(preflight, "Access-Control-Allow-Methods: GET,POST"));
        CHECK(has(preflight, "Access-Control-Allow-Headers: Content-Type,X-Token"));
        CHECK(preflight.find("x-evil") == std::string::npos);

        test_server any(options_with_origins({"*"}));
        auto wildcard = raw_http(any.port(), request("OPTIONS", handshake_target,
                                                     "Origin: http://a.example\r\n"
                                                     "Access-Control-Request-Headers: x-evil\r\n"));
        CHECK(wildcard.starts_with("HTTP/1.1 204"));
        CHECK(has(wildcard, "Access-Control-Allow-Origin: *"));
        CHECK(wildcard.find("Access-Control-Allow-Credentials") == std::string::npos);
        CHECK(wildcard.find("x-evil") == std::string::npos);
    }

    TEST_CASE("CORS allow-list: WebSocket upgrades from unlisted origins are refused with 403, "
              "Engine.IO and plain alike") {
        test_server server(options_with_origins({"http://app.example"}));
        for (std::string target : {"/socket.io/?EIO=4&transport=websocket", "/plain"}) {
            CAPTURE(target);
            auto refused = upgrade(server.port(), target, "http://evil.example");
            CHECK(refused.first == 403);
            CHECK(refused.second == "origin not allowed\n");
            CHECK(upgrade(server.port(), target, "null").first == 403);
            CHECK(upgrade(server.port(), target, "http://app.example").first == 101);
            CHECK(upgrade(server.port(), target, "").first == 101); // not a browser
        }
        CHECK(server.running().counters(0).refused_origins == 4);
        // The upgrade of a polling session is checked too.
        polling_client c(server.port());
        c.handshake();
        CHECK(upgrade(server.port(), "/socket.io/?EIO=4&transport=websocket&sid=" + c.sid(),
                      "http://evil.example")
                  .first == 403);
    }
}
