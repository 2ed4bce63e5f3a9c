// CORS headers per policy, as the npm cors package writes them, and the upgrade Origin check.
#include "server/api/options.hpp"
#include "server/http/cors.hpp"

#include <doctest.h>

namespace server = imedge::server;
namespace http = boost::beast::http;

namespace {

http::fields request_from(std::string_view origin) {
    http::fields f;
    if (!origin.empty())
        f.set(http::field::origin, origin);
    f.set(http::field::access_control_request_headers, "x-evil");
    return f;
}

server::server_options with(std::vector<std::string> origins) {
    server::server_options o;
    o.cors_origins = std::move(origins);
    return o;
}

std::string get(const http::fields& f, http::field name) {
    return std::string(f[name]);
}

} // namespace

TEST_SUITE("server") {

    TEST_CASE("cors none: no headers at all, every upgrade allowed") {
        auto o = with({});
        http::fields res;
        server::add_cors_headers(request_from("http://a"), res, o);
        server::add_preflight_headers(request_from("http://a"), res, o);
        CHECK(res.begin() == res.end());
        CHECK(server::upgrade_origin_allowed(request_from("http://a"), o));
    }

    TEST_CASE("cors '*': literal *, no credentials, no Vary, null not special") {
        auto o = with({"*"});
        for (std::string_view origin : {"http://a", "null", ""}) {
            CAPTURE(origin);
            http::fields res;
            server::add_cors_headers(request_from(origin), res, o);
            CHECK(get(res, http::field::access_control_allow_origin) == "*");
            CHECK(res.count(http::field::access_control_allow_credentials) == 0);
            CHECK(res.count(http::field::vary) == 0);
            CHECK(server::upgrade_origin_allowed(request_from(origin), o));
        }
    }

    TEST_CASE("cors list: listed origin reflected with credentials; others, null and prefixes "
              "get nothing but Vary") {
        auto o = with({"http://a", "https://b:8443"});
        for (std::string_view origin : {"http://a", "https://b:8443"}) {
            http::fields res;
            server::add_cors_headers(request_from(origin), res, o);
            CHECK(get(res, http::field::access_control_allow_origin) == origin);
            CHECK(get(res, http::field::access_control_allow_credentials) == "true");
            CHECK(get(res, http::field::vary) == "Origin");
            CHECK(server::upgrade_origin_allowed(request_from(origin), o));
        }
        for (std::string_view origin : {"http://evil", "null", "http://a.evil", "HTTP://A"}) {
            CAPTURE(origin);
            http::fields res;
            server::add_cors_headers(request_from(origin), res, o);
            CHECK(res.count(http::field::access_control_allow_origin) == 0);
            CHECK(res.count(http::field::access_control_allow_credentials) == 0);
            CHECK(get(res, http::field::vary) == "Origin");
            CHECK_FALSE(server::upgrade_origin_allowed(request_from(origin), o));
        }
        CHECK(server::upgrade_origin_allowed(request_from(""), o)); // not a browser
    }

    TEST_CASE("cors preflight: fixed methods and headers, the requested ones never reflected") {
        auto o = with({"http://a"});
        o.cors_allowed_headers = {"X-Token", "Authorization"};
        http::fields res;
        server::add_preflight_headers(request_from("http://a"), res, o);
        CHECK(get(res, http::field::access_control_allow_methods) == "GET,POST");
        CHECK(get(res, http::field::access_control_allow_headers) ==
              "Content-Type,X-Token,Authorization");
        CHECK(get(res, http::field::access_control_allow_origin) == "http://a");

        http::fields any;
        server::add_preflight_headers(request_from("http://z"), any, with({"*"}));
        CHECK(get(any, http::field::access_control_allow_headers) == "Content-Type");
        CHECK(get(any, http::field::access_control_allow_origin) == "*");
    }
}
