// Unit tests for protocol/socketio/args: received-args accessors and the payload builder,
// including echoing binary arguments and the full encode -> decode path.
#include "protocol/socketio/args.hpp"

#include "protocol/socketio/json_decoder.hpp"
#include "protocol/socketio/packet.hpp"

#include <doctest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace {

namespace sio = imedge::protocol::socketio;
using sio::json_kind;

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("socketio payload: builder output") {
        SUBCASE("empty") {
            sio::payload p;
            CHECK(p.json_array() == "[]");
            CHECK(p.json_array("ev") == R"(["ev"])");
            CHECK(p.items().empty());
            CHECK(p.attachments().empty());
        }
        SUBCASE("every add_* kind, in order") {
            sio::payload p;
            p.add_string("a\"b\n")
                .add_int(-42)
                .add_int(std::numeric_limits<std::int64_t>::min())
                .add_bool(true)
                .add_bool(false)
                .add_null()
                .add_json(R"({"k":[1,2]})");
            CHECK(p.json_array() ==
                  R"(["a\"b\n",-42,-9223372036854775808,true,false,null,{"k":[1,2]}])");
            CHECK(
                p.json_array("message-back") ==
                R"(["message-back","a\"b\n",-42,-9223372036854775808,true,false,null,{"k":[1,2]}])");
        }
        SUBCASE("the event name is escaped") {
            sio::payload p;
            p.add_int(1);
            CHECK(p.json_array("say \"hi\"\x01") == R"(["say \"hi\"\u0001",1])");
        }
        SUBCASE("binary arguments become numbered placeholders") {
            sio::payload p;
            p.add_string("x")
                .add_binary(std::string("\x01\x02", 2))
                .add_binary(std::string("\0", 1));
            CHECK(p.json_array("up") ==
                  R"(["up","x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
            REQUIRE(p.attachments().size() == 2);
            CHECK(p.attachments()[0] == std::string("\x01\x02", 2));
            CHECK(p.attachments()[1] == std::string("\0", 1));
        }
    }

    TEST_CASE("socketio args: accessors") {
        sio::args a;
        a.items.push_back({json_kind::string, R"("hi")", "hi", 0});
        a.items.push_back({json_kind::binary, R"({"_placeholder":true,"num":1})", "", 1});
        a.items.push_back({json_kind::binary, R"({"_placeholder":true,"num":5})", "", 5});
        a.items.push_back({json_kind::number, "3", "", 0});
        a.attachments = {"zero", "one"};
        CHECK(a.size() == 4);
        CHECK_FALSE(a.empty());
        CHECK(a.string_at(0) == "hi");
        CHECK(a.string_at(1).empty());
        CHECK(a.string_at(4).empty());
        CHECK(a.binary_at(1) == "one");
        CHECK(a.binary_at(0).empty()); // a string is not binary
        CHECK(a.binary_at(2).empty()); // attachment index past the received attachments
        CHECK(a.binary_at(3).empty());
        CHECK(a.binary_at(99).empty());
        CHECK(sio::args{}.empty());
    }

    TEST_CASE("socketio payload: echoing received args is exact, binary included") {
        sio::json_decoder d;
        const std::string text =
            R"(51-/custom,7["message",{"_placeholder":true,"num":0},"x",{"n":[1,{"s":"\"q\""}]}])";
        auto h = sio::decode_header(text, 10);
        REQUIRE(h.has_value());
        auto ev = d.decode_event(h->data, h->attachments);
        REQUIRE(ev.has_value());
        ev->args.attachments.push_back(std::string("\x00\xff\x10", 3)); // as the server would
        CHECK(ev->args.binary_at(0) == std::string("\x00\xff\x10", 3));

        sio::payload echo(ev->args);
        CHECK(echo.attachments() == ev->args.attachments);
        std::string json = echo.json_array("message-back");
        CHECK(json ==
              R"(["message-back",{"_placeholder":true,"num":0},"x",{"n":[1,{"s":"\"q\""}]}])");

        // a further binary argument is numbered after the echoed ones
        echo.add_binary("more");
        CHECK(echo.items().back() == R"({"_placeholder":true,"num":1})");
        CHECK(echo.attachments().size() == 2);

        std::string out =
            sio::encode_packet(sio::packet_type::binary_event, h->nsp, h->ack_id,
                               echo.json_array("message-back"), echo.attachments().size());
        auto h2 = sio::decode_header(out, 10);
        REQUIRE(h2.has_value());
        CHECK(h2->nsp == "/custom");
        CHECK(h2->ack_id == 7u);
        CHECK(h2->attachments == 2);
        auto ev2 = d.decode_event(h2->data, h2->attachments);
        REQUIRE(ev2.has_value());
        CHECK(ev2->name == "message-back");
        REQUIRE(ev2->args.size() == 4);
        CHECK(ev2->args[0].kind == json_kind::binary);
        CHECK(ev2->args[0].attachment == 0);
        CHECK(ev2->args[1].text == "x");
        CHECK(ev2->args[2].json == ev->args[2].json);
        CHECK(ev2->args[3].kind == json_kind::binary);
        CHECK(ev2->args[3].attachment == 1);
    }

    TEST_CASE("socketio payload: built payloads decode back to the same values") {
        sio::payload p;
        p.add_string("caf\xc3\xa9 \"\\\t\x1f")
            .add_int(std::numeric_limits<std::int64_t>::max())
            .add_null();
        sio::json_decoder d;
        SUBCASE("as an event") {
            auto ev = d.decode_event(p.json_array("ev"), 0);
            REQUIRE(ev.has_value());
            CHECK(ev->name == "ev");
            REQUIRE(ev->args.size() == 3);
            CHECK(ev->args.string_at(0) == "caf\xc3\xa9 \"\\\t\x1f");
            CHECK(ev->args[1].json == "9223372036854775807");
            CHECK(ev->args[2].kind == json_kind::null);
        }
        SUBCASE("as an ack (no event name)") {
            auto ack = d.decode_ack(p.json_array(), 0);
            REQUIRE(ack.has_value());
            REQUIRE(ack->size() == 3);
            CHECK(ack->string_at(0) == "caf\xc3\xa9 \"\\\t\x1f");
        }
    }

} // TEST_SUITE
