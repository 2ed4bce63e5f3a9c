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
}
