// Unit tests for protocol/socketio/json_decoder: event, ack and connect data, binary
// placeholders, reserved event names and malformed JSON.
#include "protocol/socketio/json_decoder.hpp"

#include "../test_support.hpp"

#include <doctest.h>

#include <string>

namespace {

namespace sio = imedge::protocol::socketio;
using imedge::protocol::errc;
using imedge::protocol::make_error_code;
using imedge::protocol::test::error_of;
using sio::json_kind;

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("socketio json: an event with every JSON kind") {
        sio::json_decoder d;
        auto ev = d.decode_event(
            R"(["hey", "Jude", -12, 2.5, true, null, { "a" : [ 1 , 2 ] }, [ "x" , {} ] ])", 0);
        REQUIRE(ev.has_value());
        CHECK(ev->name == "hey");
        REQUIRE(ev->args.size() == 7);
        const sio::args& a = ev->args;
        CHECK(a[0].kind == json_kind::string);
        CHECK(a[0].text == "Jude");
        CHECK(a[0].json == R"("Jude")");
        CHECK(a[1].kind == json_kind::number);
        CHECK(a[1].json == "-12");
        CHECK(a[2].kind == json_kind::number);
        CHECK(a[2].json == "2.5");
        CHECK(a[3].kind == json_kind::boolean);
        CHECK(a[3].json == "true");
        CHECK(a[4].kind == json_kind::null);
        CHECK(a[4].json == "null");
        CHECK(a[5].kind == json_kind::object);
        CHECK(a[5].json == R"({"a":[1,2]})"); // minified
        CHECK(a[6].kind == json_kind::array);
        CHECK(a[6].json == R"(["x",{}])");
        CHECK(a.string_at(0) == "Jude");
        CHECK(a.string_at(1).empty());  // not a string
        CHECK(a.string_at(99).empty()); // out of range
        CHECK(a.attachments.empty());
    }

    TEST_CASE("socketio json: an event with only a name") {
        sio::json_decoder d;
        auto ev = d.decode_event(R"(["foo"])", 0);
        REQUIRE(ev.has_value());
        CHECK(ev->name == "foo");
        CHECK(ev->args.empty());
    }

    TEST_CASE("socketio json: strings are unescaped in text and re-escaped in json") {
        sio::json_decoder d;
        auto ev = d.decode_event(R"(["ev\n1","a\"b\\c\/d\n\t\u0001\u00e9\ud83d\ude00", "caf)"
                                 "\xc3\xa9"
                                 R"("])",
                                 0);
        REQUIRE(ev.has_value());
        CHECK(ev->name == "ev\n1");
        REQUIRE(ev->args.size() == 2);
        CHECK(ev->args[0].text == "a\"b\\c/d\n\t\x01\xc3\xa9\xf0\x9f\x98\x80");
        CHECK(ev->args[1].text == "caf\xc3\xa9");
        // the re-escaped form decodes to the same text
        auto again = d.decode_event("[\"x\"," + ev->args[0].json + "]", 0);
        REQUIRE(again.has_value());
        CHECK(again->args[0].text == ev->args[0].text);
        CHECK(ev->args[0].json.find('\n') == std::string::npos);
        CHECK(ev->args[0].json.find('\x01') == std::string::npos);
    }

    TEST_CASE("socketio json: reserved event names") {
        sio::json_decoder d;
        for (std::string_view name : {"connect", "connect_error", "disconnect", "disconnecting",
                                      "newListener", "removeListener"}) {
            CAPTURE(name);
            CHECK(sio::is_reserved_event(name));
            auto ev = d.decode_event("[\"" + std::string(name) + "\",1]", 0);
            CHECK(error_of(ev) == make_error_code(errc::event_name_not_string));
        }
        for (std::string_view name : {"Connect", "connection", "connected", "message",
                                      "disconnect ", "error", "", "newlistener"}) {
            CAPTURE(name);
            CHECK_FALSE(sio::is_reserved_event(name));
            auto ev = d.decode_event("[\"" + std::string(name) + "\"]", 0);
            REQUIRE(ev.has_value());
            CHECK(ev->name == name);
        }
        SUBCASE("a reserved name is matched after unescaping") {
            CHECK(error_of(d.decode_event(R"(["\u0063onnect"])", 0)) ==
                  make_error_code(errc::event_name_not_string));
        }
    }

    TEST_CASE("socketio json: the event name must be a string") {
        sio::json_decoder d;
        for (std::string_view json :
             {"[1]", "[null]", "[true]", "[{}]", "[[\"ev\"]]", "[1.5,\"ev\"]"}) {
            CAPTURE(json);
            CHECK(error_of(d.decode_event(json, 0)) ==
                  make_error_code(errc::event_name_not_string));
        }
        CHECK(error_of(d.decode_event(R"([{"_placeholder":true,"num":0}])", 1)) ==
              make_error_code(errc::event_name_not_string));
    }

    TEST_CASE("socketio json: event data must be a non-empty array") {
        sio::json_decoder d;
        const auto bad = make_error_code(errc::bad_event_payload);
        CHECK(error_of(d.decode_event("", 0)) == bad);
        CHECK(error_of(d.decode_event("[]", 0)) == bad);
        CHECK(error_of(d.decode_event("[ ]", 0)) == bad);
        for (std::string_view json : {"{}", R"({"0":"ev"})", R"("ev")", "1", "null", "true"}) {
            CAPTURE(json);
            CHECK(error_of(d.decode_event(json, 0)) == bad);
        }
    }

    TEST_CASE("socketio json: malformed JSON is bad_json") {
        sio::json_decoder d;
        const auto bad = make_error_code(errc::bad_json);
        for (std::string_view json : {"[",
                                      "]",
                                      R"(["a")",
                                      R"(["a",])",
                                      R"(["a"]x)",
                                      R"(["a"]])",
                                      "['a']",
                                      R"([a])",
                                      R"(["a",01])",
                                      R"(["a",1.])",
                                      R"(["a",NaN])",
                                      R"(["a",tru])",
                                      R"(["a\x"])",
                                      R"(["a","\u12"])",
                                      R"(["a"] ["b"])",
                                      "-",
                                      " ",
                                      "\t\n",
                                      R"(["a",{"k"}])",
                                      R"(["a",{"k":1,}])",
                                      R"(["a",{k:1}])"}) {
            CAPTURE(json);
            CHECK(error_of(d.decode_event(json, 0)) == bad);
        }
        SUBCASE("invalid UTF-8") {
            CHECK(error_of(d.decode_event("[\"\xff\"]", 0)) == bad);
            CHECK(error_of(d.decode_event("[\"ev\",\"\xc3\"]", 0)) == bad);
            CHECK(error_of(d.decode_event("[\"ev\",\"\xed\xa0\x80\"]", 0)) ==
                  bad); // encoded surrogate
        }
        SUBCASE("a raw control character inside a string") {
            CHECK(error_of(d.decode_event("[\"a\nb\"]", 0)) == bad);
            CHECK(error_of(d.decode_event(std::string("[\"a\0b\"]", 6), 0)) == bad);
        }
        SUBCASE("nesting deeper than the parser allows") {
            std::string deep = "[\"ev\"," + std::string(5000, '[') + std::string(5000, ']') + "]";
            CHECK(error_of(d.decode_event(deep, 0)) == bad);
            CHECK(error_of(d.decode_ack(deep, 0)) == bad);
        }
        SUBCASE("every strict prefix of a valid event is rejected") {
            const std::string json = R"(["ev",{"a":[1,2,"x"],"b":null},"s",-3.5e2])";
            REQUIRE(d.decode_event(json, 0).has_value());
            for (std::size_t len = 0; len < json.size(); ++len) {
                CAPTURE(len);
                auto r = d.decode_event(std::string_view(json).substr(0, len), 0);
                CHECK(r.has_error());
            }
        }
    }

    TEST_CASE("socketio json: binary placeholders") {
        sio::json_decoder d;
        SUBCASE("top-level placeholders become binary args") {
            auto ev = d.decode_event(
                R"(["baz",{"_placeholder":true,"num":1},"mid",{"num":0,"_placeholder":true}])", 2);
            REQUIRE(ev.has_value());
            REQUIRE(ev->args.size() == 3);
            CHECK(ev->args[0].kind == json_kind::binary);
            CHECK(ev->args[0].attachment == 1);
            CHECK(ev->args[0].json == R"({"_placeholder":true,"num":1})");
            CHECK(ev->args[1].kind == json_kind::string);
            CHECK(ev->args[2].kind == json_kind::binary);
            CHECK(ev->args[2].attachment == 0);
            CHECK(ev->args.attachments.empty()); // the decoder does not invent bytes
        }
        SUBCASE("nested placeholders count but leave their containers as objects and arrays") {
            auto ev = d.decode_event(
                R"(["up",{"file":{"_placeholder":true,"num":0},"meta":{"deep":[[{"_placeholder":true,"num":2}]]}},)"
                R"([{"_placeholder":true,"num":1}]])",
                3);
            REQUIRE(ev.has_value());
            REQUIRE(ev->args.size() == 2);
            CHECK(ev->args[0].kind == json_kind::object);
            CHECK(ev->args[1].kind == json_kind::array);
        }
        SUBCASE("a binary ack") {
            auto ack = d.decode_ack(R"(["bar",{"_placeholder":true,"num":0}])", 1);
            REQUIRE(ack.has_value());
            REQUIRE(ack->size() == 2);
            CHECK((*ack)[0].kind == json_kind::string); // acks keep their first element
            CHECK((*ack)[1].kind == json_kind::binary);
        }
        SUBCASE("the same attachment referenced twice") {
            auto ev = d.decode_event(
                R"(["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}])", 2);
            // two placeholders for two announced attachments: the count matches
            REQUIRE(ev.has_value());
            CHECK(ev->args[0].attachment == 0);
            CHECK(ev->args[1].attachment == 0);
        }
        SUBCASE("num out of range is bad_placeholder") {
            const auto bad = make_error_code(errc::bad_placeholder);
            CHECK(error_of(d.decode_event(R"(["e",{"_placeholder":true,"num":1}])", 1)) == bad);
            CHECK(error_of(d.decode_event(
                      R"(["e",{"_placeholder":true,"num":18446744073709551615}])", 1)) == bad);
            CHECK(error_of(d.decode_event(R"(["e",{"x":[{"_placeholder":true,"num":5}]}])", 1)) ==
                  bad);
            CHECK(error_of(d.decode_ack(
                      R"([{"_placeholder":true,"num":2},{"_placeholder":true,"num":0}])", 2)) ==
                  bad);
        }
        SUBCASE("placeholders in a packet that announced no attachments are bad_placeholder") {
            CHECK(error_of(d.decode_event(R"(["e",{"_placeholder":true,"num":0}])", 0)) ==
                  make_error_code(errc::bad_placeholder));
            CHECK(error_of(d.decode_ack(R"([{"_placeholder":true,"num":0}])", 0)) ==
                  make_error_code(errc::bad_placeholder));
        }
        SUBCASE("fewer placeholders than announced attachments is bad_attachment_count") {
            const auto bad = make_error_code(errc::bad_attachment_count);
            CHECK(error_of(d.decode_event(R"(["e",{"_placeholder":true,"num":0}])", 2)) == bad);
            CHECK(error_of(d.decode_event(R"(["e"])", 1)) == bad);
            CHECK(error_of(d.decode_ack("[]", 1)) == bad);
        }
        SUBCASE("more placeholders than announced attachments is bad_attachment_count") {
            auto r = d.decode_event(
                R"(["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}])", 1);
            CHECK(error_of(r) == make_error_code(errc::bad_attachment_count));
        }
        SUBCASE("objects without a _placeholder key are plain objects") {
            for (std::string_view json :
                 {R"(["e",{"placeholder":true,"num":0}])", R"(["e",{"num":0}])",
                  R"(["e",{"_Placeholder":true,"num":0}])", R"(["e",{"_placeholder ":true}])"}) {
                CAPTURE(json);
                auto ev = d.decode_event(json, 0);
                REQUIRE(ev.has_value());
                CHECK(ev->args[0].kind == json_kind::object);
            }
        }
    }

    // Issue 8 item 7: every receiving socket.io-parser throws "illegal attachments" on a
    // placeholder whose num is not a number in range; duplicate keys are read last-wins by
    // JSON.parse. So any object with a "_placeholder" key must be the exact form.
    TEST_CASE("socketio json: placeholders are exactly {\"_placeholder\":true,\"num\":N}") {
        sio::json_decoder d;
        const auto bad = make_error_code(errc::bad_placeholder);
        SUBCASE("each malformed variant, top-level, nested in an object and in an array") {
            for (std::string_view p : {
                     R"({"_placeholder":true,"num":"0"})",       // num a string
                     R"({"_placeholder":true,"num":0,"num":0})", // duplicate num
                     R"({"_placeholder":true,"num":1,"num":0})", // duplicate, last in range
                     R"({"_placeholder":true,"_placeholder":true,"num":0})", // duplicate flag
                     R"({"_placeholder":true,"num":2})",                     // out of range
                     R"({"_placeholder":true,"num":-1})",                    // negative
                     R"({"_placeholder":true,"num":0.0})",                   // float
                     R"({"_placeholder":true,"num":0.5})",
                     R"({"_placeholder":true,"num":1e0})",     // exponent form
                     R"({"_placeholder":true,"num":0,"x":1})", // extra key
                     R"({"x":1,"_placeholder":true,"num":0})",
                     R"({"_placeholder":true})", // no num
                     R"({"_placeholder":true,"num":null})",
                     R"({"_placeholder":true,"num":[0]})",
                     R"({"_placeholder":true,"num":{"_placeholder":true,"num":0}})",
                     R"({"_placeholder":false,"num":0})", // flag not exactly true
                     R"({"_placeholder":"true","num":0})",
                     R"({"_placeholder":1,"num":0})",
                     R"({"_placeholder":null,"num":0})",
                     R"({"_placeholder":true,"_placeholder":false,"num":0})",
                     R"({"_placeholde\u0072":true,"num":0,"_placeholder":true})", // same key,
                                                                                  // escaped
                 }) {
                CAPTURE(p);
                std::string ps(p);
                CHECK(error_of(d.decode_event("[\"e\"," + ps + "]", 1)) == bad);
                CHECK(error_of(d.decode_event("[\"e\",{\"k\":" + ps + "}]", 1)) == bad);
                CHECK(error_of(d.decode_event("[\"e\",[1,[" + ps + "]]]", 1)) == bad);
                CHECK(error_of(d.decode_ack("[" + ps + "]", 1)) == bad);
                CHECK(error_of(d.decode_ack("[{\"a\":[{\"b\":" + ps + "}]}]", 1)) == bad);
                // and next to a valid placeholder for a second attachment
                CHECK(error_of(d.decode_event(
                          "[\"e\",{\"_placeholder\":true,\"num\":1}," + ps + "]", 2)) == bad);
            }
        }
        SUBCASE("the exact form is accepted in either key order, escaped keys unescaped") {
            for (std::string_view p :
                 {R"({"_placeholder":true,"num":0})", R"({"num":0,"_placeholder":true})",
                  R"({ "_placeholder" : true , "num" : 0 })",
                  R"({"\u005fplaceholder":true,"num":0})"}) {
                CAPTURE(p);
                auto ev = d.decode_event("[\"e\"," + std::string(p) + "]", 1);
                REQUIRE(ev.has_value());
                CHECK(ev->args[0].kind == json_kind::binary);
                CHECK(ev->args[0].attachment == 0);
            }
        }
        SUBCASE("nested placeholders in objects and arrays, each in range") {
            auto ev = d.decode_event(
                R"(["e",[{"_placeholder":true,"num":2}],{"a":{"b":[{"_placeholder":true,"num":0}]}},)"
                R"({"_placeholder":true,"num":1}])",
                3);
            REQUIRE(ev.has_value());
            CHECK(ev->args[0].kind == json_kind::array);
            CHECK(ev->args[1].kind == json_kind::object);
            CHECK(ev->args[2].kind == json_kind::binary);
            CHECK(ev->args[2].attachment == 1);
            CHECK(error_of(d.decode_event(
                      R"(["e",[{"_placeholder":true,"num":3}],{"_placeholder":true,"num":0},)"
                      R"({"_placeholder":true,"num":1}])",
                      3)) == bad);
        }
        SUBCASE("the largest index and a huge one") {
            // one placeholder for ten attachments: in range, but the count must match
            CHECK(error_of(d.decode_ack(R"([{"_placeholder":true,"num":9}])", 10)) ==
                  make_error_code(errc::bad_attachment_count));
            std::string nine;
            for (int i = 0; i < 10; ++i)
                nine += (i ? "," : "") + std::string(R"({"_placeholder":true,"num":)") +
                        std::to_string(9 - i) + "}";
            CHECK(d.decode_ack("[" + nine + "]", 10).has_value());
            // past uint64: not a placeholder index either way (simdjson refuses the document)
            auto huge = d.decode_ack(R"([{"_placeholder":true,"num":99999999999999999999}])", 1);
            CHECK(huge.has_error());
        }
    }

    TEST_CASE("socketio json: ack data is an array, possibly empty") {
        sio::json_decoder d;
        auto empty = d.decode_ack("[]", 0);
        REQUIRE(empty.has_value());
        CHECK(empty->empty());
        auto some = d.decode_ack(R"(["bar",2,{"k":"v"}])", 0);
        REQUIRE(some.has_value());
        REQUIRE(some->size() == 3);
        CHECK(some->string_at(0) == "bar");
        CHECK((*some)[2].json == R"({"k":"v"})");
        SUBCASE("anything else is rejected") {
            CHECK(error_of(d.decode_ack("", 0)) == make_error_code(errc::bad_event_payload));
            CHECK(error_of(d.decode_ack("{}", 0)) == make_error_code(errc::bad_event_payload));
            CHECK(error_of(d.decode_ack(R"("bar")", 0)) ==
                  make_error_code(errc::bad_event_payload));
            CHECK(error_of(d.decode_ack("[1,", 0)) == make_error_code(errc::bad_json));
        }
        SUBCASE("reserved names are allowed as ack values") {
            auto r = d.decode_ack(R"(["connect"])", 0);
            REQUIRE(r.has_value());
            CHECK(r->string_at(0) == "connect");
        }
    }

    TEST_CASE("socketio json: connect data") {
        sio::json_decoder d;
        SUBCASE("absent") {
            auto r = d.decode_connect("");
            REQUIRE(r.has_value());
            CHECK(r->empty());
        }
        SUBCASE("an object, minified") {
            auto r = d.decode_connect(R"({ "token" : "123", "n" : [ 1 ] })");
            REQUIRE(r.has_value());
            CHECK(*r == R"({"token":"123","n":[1]})");
            auto e = d.decode_connect("{}");
            REQUIRE(e.has_value());
            CHECK(*e == "{}");
        }
        SUBCASE("anything but an object is bad_json") {
            for (std::string_view json :
                 {"[]", R"("token")", "1", "null", "true", "{", R"({"a":})", "{} {}", " "}) {
                CAPTURE(json);
                CHECK(error_of(d.decode_connect(json)) == make_error_code(errc::bad_json));
            }
        }
    }

    TEST_CASE("socketio json: results are owned and the decoder is reusable") {
        sio::json_decoder d;
        std::string first_input = R"(["one","alpha",{"k":"v"}])";
        auto first = d.decode_event(first_input, 0);
        REQUIRE(first.has_value());
        first_input.assign(first_input.size(), 'X'); // the input buffer is gone
        // parsing more (bigger) documents reuses and may reallocate the parser's buffers
        for (int i = 0; i < 50; ++i) {
            std::string big =
                R"(["two",")" + std::string(static_cast<std::size_t>(1000 * i), 'z') + "\"]";
            auto r = d.decode_event(big, 0);
            REQUIRE(r.has_value());
            CHECK(r->args[0].text.size() == static_cast<std::size_t>(1000 * i));
        }
        CHECK(d.decode_event("[", 0).has_error()); // a failure in between changes nothing
        CHECK(first->name == "one");
        CHECK(first->args.string_at(0) == "alpha");
        CHECK(first->args[1].json == R"({"k":"v"})");
        auto after = d.decode_event(R"(["three"])", 0);
        REQUIRE(after.has_value());
        CHECK(after->name == "three");
    }

    TEST_CASE("socketio json: the decoder reads only its view") {
        sio::json_decoder d;
        SUBCASE("event") {
            imedge::protocol::test::guarded g(R"(["a",1])", R"(,"b"])");
            auto ev = d.decode_event(g.view(), 0);
            REQUIRE(ev.has_value());
            CHECK(ev->name == "a");
            CHECK(ev->args.size() == 1);
        }
        SUBCASE("a truncated view stays truncated") {
            std::string whole = R"(["a",1])";
            auto ev = d.decode_event(std::string_view(whole).substr(0, whole.size() - 1), 0);
            CHECK(error_of(ev) == make_error_code(errc::bad_json));
        }
        SUBCASE("connect") {
            imedge::protocol::test::guarded g(R"({"a":1})", "xx");
            auto r = d.decode_connect(g.view());
            REQUIRE(r.has_value());
            CHECK(*r == R"({"a":1})");
        }
    }

} // TEST_SUITE
