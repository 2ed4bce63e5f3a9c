// Unit tests for protocol/engineio/handshake: request targets and query decoding, the open
// packet's JSON and the reference server's HTTP error answers.
#include "protocol/engineio/handshake.hpp"

#include <doctest.h>
#include <simdjson.h>

#include <string>
#include <vector>

namespace {

namespace eio = imedge::protocol::engineio;
using eio::http_error;

using query_list = std::vector<std::pair<std::string, std::string>>;

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("engineio target: the spec's handshake request") {
        auto t = eio::parse_target("/socket.io/?EIO=4&transport=polling&t=N8hyd6w");
        CHECK(t.path == "/socket.io/");
        CHECK(t.query == query_list{{"EIO", "4"}, {"transport", "polling"}, {"t", "N8hyd6w"}});
        CHECK(t.param("EIO") == "4");
        CHECK(t.param("transport") == "polling");
        CHECK_FALSE(t.param("sid").has_value());
        CHECK_FALSE(t.param("eio").has_value()); // names are case-sensitive
    }

    TEST_CASE("engineio target: query shapes") {
        SUBCASE("no query at all") {
            auto t = eio::parse_target("/engine.io/");
            CHECK(t.path == "/engine.io/");
            CHECK(t.query.empty());
        }
        SUBCASE("an empty query") {
            auto t = eio::parse_target("/engine.io/?");
            CHECK(t.path == "/engine.io/");
            CHECK(t.query.empty());
        }
        SUBCASE("empty pairs are skipped") {
            auto t = eio::parse_target("/?&&EIO=4&&transport=websocket&");
            CHECK(t.query == query_list{{"EIO", "4"}, {"transport", "websocket"}});
        }
        SUBCASE("a key without '=' has an empty value, which is present") {
            auto t = eio::parse_target("/?b64&EIO=");
            CHECK(t.query == query_list{{"b64", ""}, {"EIO", ""}});
            REQUIRE(t.param("b64").has_value());
            CHECK(t.param("b64")->empty());
        }
        SUBCASE("only the first '=' splits") {
            auto t = eio::parse_target("/?sid=abc==&x==");
            CHECK(t.param("sid") == "abc==");
            CHECK(t.param("x") == "=");
        }
        SUBCASE("an empty key") {
            auto t = eio::parse_target("/?=v");
            CHECK(t.query == query_list{{"", "v"}});
        }
        SUBCASE("the first of repeated keys wins") {
            auto t = eio::parse_target("/?sid=one&sid=two");
            CHECK(t.query.size() == 2);
            CHECK(t.param("sid") == "one");
        }
        SUBCASE("a fragment is not part of the query") {
            auto t = eio::parse_target("/?EIO=4&transport=polling#frag&sid=x");
            CHECK(t.query == query_list{{"EIO", "4"}, {"transport", "polling"}});
        }
    }

    TEST_CASE("engineio target: percent-encoding") {
        SUBCASE("in values and keys") {
            auto t = eio::parse_target("/socket.io/?sid=ab%2Bcd%2F%3D%3D&na%6De=v%26w%3Dx");
            CHECK(t.param("sid") == "ab+cd/==");
            CHECK(t.param("name") == "v&w=x");
        }
        SUBCASE("'+' is a space in the query") {
            auto t = eio::parse_target("/?q=a+b%20c");
            CHECK(t.param("q") == "a b c");
        }
        SUBCASE("upper- and lower-case hex, UTF-8 bytes") {
            auto t = eio::parse_target("/?x=caf%c3%A9");
            CHECK(t.param("x") == "caf\xc3\xa9");
        }
        SUBCASE("in the path") {
            CHECK(eio::parse_target("/a%20b/?x=1").path == "/a b/");
        }
        SUBCASE("'+' in the path is a literal plus (RFC 3986 section 3.3)") {
            CHECK(eio::parse_target("/static/a+b.js").path == "/static/a+b.js");
            CHECK(eio::parse_target("/static/a+b.js?q=c+d").param("q") == "c d");
        }
    }

    TEST_CASE("engineio url_decode") {
        CHECK(eio::url_decode("") == "");
        CHECK(eio::url_decode("plain") == "plain");
        CHECK(eio::url_decode("%41%42%43") == "ABC");
        CHECK(eio::url_decode("a+b") == "a b");
        CHECK(eio::url_decode("%2B") == "+");
        CHECK(eio::url_decode("%00") == std::string("\0", 1));
        CHECK(eio::url_decode("%ff%FF") == "\xff\xff");
        SUBCASE("stray or short escapes are kept literally") {
            CHECK(eio::url_decode("%") == "%");
            CHECK(eio::url_decode("100%") == "100%");
            CHECK(eio::url_decode("%4") == "%4");
            CHECK(eio::url_decode("a%4") == "a%4");
            CHECK(eio::url_decode("%zz") == "%zz");
            CHECK(eio::url_decode("%g1") == "%g1");
            CHECK(eio::url_decode("%1g") == "%1g");
            CHECK(eio::url_decode("%%41") == "%A");
            CHECK(eio::url_decode("%41%") == "A%");
        }
        SUBCASE("decoding happens once") {
            CHECK(eio::url_decode("%2541") == "%41");
        }
    }

    TEST_CASE("engineio transport names") {
        CHECK(eio::parse_transport("polling") == eio::transport::polling);
        CHECK(eio::parse_transport("websocket") == eio::transport::websocket);
        for (std::string_view bad :
             {"", "Polling", "WEBSOCKET", "flashsocket", "webtransport", "polling ", "jsonp"}) {
            CAPTURE(bad);
            CHECK_FALSE(eio::parse_transport(bad).has_value());
        }
    }

    TEST_CASE("engineio HTTP errors: codes, messages and bodies of the reference server") {
        struct expected {
            http_error e;
            int code;
            const char* message;
            unsigned status;
        };
        const expected all[] = {
            {http_error::unknown_transport, 0, "Transport unknown", 400},
            {http_error::unknown_sid, 1, "Session ID unknown", 400},
            {http_error::bad_handshake_method, 2, "Bad handshake method", 400},
            {http_error::bad_request, 3, "Bad request", 400},
            {http_error::forbidden, 4, "Forbidden", 403},
            {http_error::unsupported_protocol_version, 5, "Unsupported protocol version", 400},
        };
        for (const auto& x : all) {
            CAPTURE(x.code);
            CHECK(static_cast<int>(x.e) == x.code);
            CHECK(eio::error_message(x.e) == x.message);
            CHECK(eio::error_body(x.e) == std::string(R"({"code":)") + std::to_string(x.code) +
                                              R"(,"message":")" + x.message + "\"}");
            CHECK(eio::error_status(x.e) == x.status);
        }
        CHECK(eio::error_body(http_error::unknown_sid) ==
              R"({"code":1,"message":"Session ID unknown"})");
        CHECK(eio::error_body(http_error::unsupported_protocol_version) ==
              R"({"code":5,"message":"Unsupported protocol version"})");
    }

    TEST_CASE("engineio open packet JSON") {
        SUBCASE("defaults, exactly as the reference server orders them") {
            eio::open_parameters p;
            p.sid = "lv_VI97HAXpY6yYWAAAC";
            CHECK(eio::open_packet_json(p) ==
                  R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,)"
                  R"("pingTimeout":20000,"maxPayload":1000000})");
        }
        SUBCASE("a session opened over WebSocket offers no upgrades") {
            eio::open_parameters p;
            p.sid = "abc";
            p.can_upgrade = false;
            CHECK(
                eio::open_packet_json(p) ==
                R"({"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
        }
        SUBCASE("configured values") {
            eio::open_parameters p{"s", true, 300, 200, 12345678901ULL};
            CHECK(
                eio::open_packet_json(p) ==
                R"({"sid":"s","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,"maxPayload":12345678901})");
        }
        SUBCASE("the sid is JSON-escaped, and the result parses with the expected fields") {
            eio::open_parameters p;
            p.sid = "a\"b\\c\x01";
            std::string json = eio::open_packet_json(p);
            CHECK(json.rfind(R"({"sid":"a\"b\\c\u0001",)", 0) == 0);
            simdjson::dom::parser parser;
            simdjson::dom::object obj;
            REQUIRE(parser.parse(json).get(obj) == simdjson::SUCCESS);
            std::vector<std::string> keys;
            for (auto field : obj)
                keys.emplace_back(field.key);
            CHECK(keys == std::vector<std::string>{"sid", "upgrades", "pingInterval", "pingTimeout",
                                                   "maxPayload"});
            std::string_view sid;
            REQUIRE(obj["sid"].get(sid) == simdjson::SUCCESS);
            CHECK(sid == p.sid);
            std::uint64_t interval = 0;
            REQUIRE(obj["pingInterval"].get(interval) == simdjson::SUCCESS);
            CHECK(interval == 25000);
        }
    }

} // TEST_SUITE
