// The route table: exact paths, the trailing-slash alias, longest prefix, method sets.
#include "server/http/router.hpp"

#include <doctest.h>

namespace server = imedge::server;
namespace http = boost::beast::http;

namespace {
server::route_handler nothing() {
    return [](server::shard&,
              server::http_exchange&) -> server::asio::awaitable<server::connection_next> {
        co_return server::connection_next::close;
    };
}
} // namespace

TEST_SUITE("server") {

    TEST_CASE("router: exact, trailing slash, longest prefix, first registration wins") {
        server::router r;
        CHECK(r.add("/socket.io/", server::method_set::any(), nothing()));
        CHECK(r.add("/healthz", server::method_set::of({http::verb::get}), nothing()));
        CHECK(r.add("/api/", server::method_set::any(), nothing(), server::router::match::prefix));
        CHECK(
            r.add("/api/v2/", server::method_set::any(), nothing(), server::router::match::prefix));
        CHECK_FALSE(r.add("/healthz", server::method_set::any(), nothing()));
        CHECK_FALSE(
            r.add("/api/", server::method_set::any(), nothing(), server::router::match::prefix));

        REQUIRE(r.find("/socket.io/"));
        CHECK(r.find("/socket.io/")->path == "/socket.io/");
        REQUIRE(r.find("/socket.io"));
        CHECK(r.find("/socket.io")->path == "/socket.io/");
        CHECK(r.find("/socket.io/x") == nullptr);
        CHECK(r.find("/healthz/") == nullptr);
        CHECK(r.find("/healthz")->methods.contains(http::verb::get));
        CHECK_FALSE(r.find("/healthz")->methods.contains(http::verb::post));
        CHECK(r.find("/api/users")->path == "/api/");
        CHECK(r.find("/api/v2/users")->path == "/api/v2/");
        CHECK(r.find("/ap") == nullptr);
        CHECK(r.find("") == nullptr);
    }

    TEST_CASE("method_set: Allow header lists the methods in a fixed order") {
        auto m = server::method_set::of({http::verb::post, http::verb::get});
        CHECK(m.allow_header() == "GET, POST");
        CHECK(server::method_set::any().contains(http::verb::patch));
    }

    TEST_CASE("path_of drops the query") {
        CHECK(server::path_of("/socket.io/?EIO=4") == "/socket.io/");
        CHECK(server::path_of("/x") == "/x");
        CHECK(server::path_of("?a") == "");
    }
}
