// Option parsing: limits flags, CORS flags, refusals.
#include "server/api/options.hpp"

#include <doctest.h>

#include <vector>

namespace server = imedge::server;

namespace {
std::variant<server::server_options, std::string> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "prog");
    return server::parse_options(static_cast<int>(args.size()), args.data());
}
} // namespace

TEST_SUITE("server") {

    TEST_CASE("options: limits and CORS flags land in their fields") {
        auto r = parse({"--shards",
                        "2",
                        "--header-limit",
                        "8192",
                        "--max-pending-per-address",
                        "3",
                        "--max-pending",
                        "9",
                        "--http-write-timeout",
                        "100",
                        "--accept-backoff",
                        "7",
                        "--ring-capacity",
                        "64",
                        "--cors-origin",
                        "http://a",
                        "--cors-origin",
                        "http://b",
                        "--cors-allow-header",
                        "X-T",
                        "--keep-header",
                        "X-Tenant"});
        REQUIRE(std::holds_alternative<server::server_options>(r));
        auto& o = std::get<server::server_options>(r);
        CHECK(o.limits.http_header_bytes == 8192);
        CHECK(o.limits.pending_sessions_per_address == 3);
        CHECK(o.limits.pending_sessions == 9);
        CHECK(o.limits.http_write_timeout_ms == 100);
        CHECK(o.limits.accept_backoff_ms == 7);
        CHECK(o.limits.ring_capacity == 64);
        CHECK(o.cors_origins == std::vector<std::string>{"http://a", "http://b"});
        CHECK(o.cors_allowed_headers == std::vector<std::string>{"X-T"});
        CHECK(o.kept_headers == std::vector<std::string>{"X-Tenant"});
    }

    TEST_CASE("options: '*' mixed with origins, zero limits and unknown flags are refused") {
        CHECK(std::holds_alternative<std::string>(
            parse({"--cors-origin", "*", "--cors-origin", "http://a"})));
        CHECK(std::holds_alternative<server::server_options>(parse({"--cors-origin", "*"})));
        CHECK(std::holds_alternative<std::string>(parse({"--max-pending", "0"})));
        CHECK(std::holds_alternative<std::string>(parse({"--header-limit", "x"})));
        CHECK(std::holds_alternative<std::string>(parse({"--no-such-flag", "1"})));
    }

    TEST_CASE("options: connection, WebSocket, Socket.IO and room limits have flags") {
        auto r = parse({"--write-timeout",        "11", "--close-timeout",      "12",
                        "--plain-idle-timeout",   "13", "--attachment-timeout", "14",
                        "--connect-backlog",      "15", "--ring-bytes",         "16",
                        "--max-rooms-per-socket", "17", "--max-attachments",    "18",
                        "--ws-handshake-timeout", "19", "--ws-idle-read-bytes", "20",
                        "--ws-batch-frames",      "21", "--ws-batch-bytes",     "22",
                        "--packets-per-yield",    "23"});
        REQUIRE(std::holds_alternative<server::server_options>(r));
        const auto& l = std::get<server::server_options>(r).limits;
        CHECK(l.write_timeout_ms == 11);
        CHECK(l.close_timeout_ms == 12);
        CHECK(l.plain_idle_ms == 13);
        CHECK(l.attachment_timeout_ms == 14);
        CHECK(l.connect_backlog_limit == 15);
        CHECK(l.ring_bytes == 16);
        CHECK(l.max_rooms_per_socket == 17);
        CHECK(l.max_attachments == 18);
        CHECK(l.ws_handshake_timeout_ms == 19);
        CHECK(l.ws_idle_read_bytes == 20);
        CHECK(l.ws_batch_frames == 21);
        CHECK(l.ws_batch_bytes == 22);
        CHECK(l.packets_per_yield == 23);
    }

    TEST_CASE("options: the new limit flags refuse zero, negatives and junk with the flag named") {
        for (const char* flag :
             {"--write-timeout", "--close-timeout", "--attachment-timeout", "--connect-backlog",
              "--ring-bytes", "--max-rooms-per-socket", "--max-attachments",
              "--ws-handshake-timeout", "--ws-idle-read-bytes", "--ws-batch-frames",
              "--ws-batch-bytes", "--packets-per-yield"}) {
            CAPTURE(flag);
            for (const char* bad : {"0", "-1", "x", "5ms", ""}) {
                CAPTURE(bad);
                auto r = parse({flag, bad});
                REQUIRE(std::holds_alternative<std::string>(r));
                CHECK(std::get<std::string>(r).find(std::string("bad value for ") + flag) == 0);
            }
        }
        // The plain idle timeout may be 0 (no idle drop), but not junk.
        auto off = parse({"--plain-idle-timeout", "0"});
        REQUIRE(std::holds_alternative<server::server_options>(off));
        CHECK(std::get<server::server_options>(off).limits.plain_idle_ms == 0);
        CHECK(std::holds_alternative<std::string>(parse({"--plain-idle-timeout", "-5"})));
        // How polling requests reach a session's shard: movable connections move by default.
        using route = server::server_options::poll_route;
        auto defaults = parse({});
        REQUIRE(std::holds_alternative<server::server_options>(defaults));
        CHECK(std::get<server::server_options>(defaults).polling_route == route::movable);
        auto forward = parse({"--polling-route", "forward"});
        REQUIRE(std::holds_alternative<server::server_options>(forward));
        CHECK(std::get<server::server_options>(forward).polling_route == route::always_forward);
        auto movable = parse({"--polling-route", "movable"});
        REQUIRE(std::holds_alternative<server::server_options>(movable));
        CHECK(std::get<server::server_options>(movable).polling_route == route::movable);
        CHECK(std::holds_alternative<std::string>(parse({"--polling-route", "sometimes"})));
        // A flag without its value says so.
        auto missing = parse({"--max-rooms-per-socket"});
        REQUIRE(std::holds_alternative<std::string>(missing));
        CHECK(std::get<std::string>(missing).find("needs a value") != std::string::npos);
        // The defaults are the documented ones when no flag is given.
        auto d = parse({});
        REQUIRE(std::holds_alternative<server::server_options>(d));
        CHECK(std::get<server::server_options>(d).limits.max_attachments == 10);
        CHECK(std::get<server::server_options>(d).limits.packets_per_yield == 64);
    }
}
