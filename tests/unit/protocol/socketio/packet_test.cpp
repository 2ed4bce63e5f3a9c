// Unit tests for protocol/socketio/packet: the Socket.IO v5 header (type, attachments,
// namespace, ack id) against the spec's encoding tables, plus malformed and oversized input.
#include "protocol/socketio/packet.hpp"

#include "../test_support.hpp"

#include <doctest.h>

#include <string>

namespace {

namespace sio = imedge::protocol::socketio;
using imedge::protocol::errc;
using imedge::protocol::make_error_code;
using imedge::protocol::test::error_of;
using sio::packet_type;

constexpr std::size_t max_attachments = 10;

struct row {
    packet_type type;
    std::string_view nsp;
    std::optional<std::uint64_t> ack_id;
    std::string_view json;
    std::size_t attachments;
    std::string_view encoded;
};

// socket.io-protocol v5, "Packet encoding": every example of the spec's tables.
const row spec_rows[] = {
    {packet_type::connect, "/", {}, "", 0, "0"},
    {packet_type::connect,
     "/",
     {},
     R"({"sid":"wZX3oN0bSVIhsaknAAAI"})",
     0,
     R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})"},
    {packet_type::connect, "/admin", {}, "", 0, "0/admin,"},
    {packet_type::connect,
     "/admin",
     {},
     R"({"sid":"oSO0OpakMV_3jnilAAAA"})",
     0,
     R"(0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"})"},
    {packet_type::connect_error,
     "/",
     {},
     R"({"message":"Not authorized"})",
     0,
     R"(4{"message":"Not authorized"})"},
    {packet_type::event, "/", {}, R"(["foo"])", 0, R"(2["foo"])"},
    {packet_type::event, "/admin", {}, R"(["bar"])", 0, R"(2/admin,["bar"])"},
    {packet_type::binary_event,
     "/",
     {},
     R"(["baz",{"_placeholder":true,"num":0}])",
     1,
     R"(51-["baz",{"_placeholder":true,"num":0}])"},
    {packet_type::binary_event,
     "/admin",
     {},
     R"(["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
     2,
     R"(52-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])"},
    {packet_type::event, "/", 12, R"(["foo"])", 0, R"(212["foo"])"},
    {packet_type::ack, "/", 12, "[]", 0, "312[]"},
    {packet_type::event, "/admin", 13, R"(["foo"])", 0, R"(2/admin,13["foo"])"},
    {packet_type::ack, "/admin", 13, R"(["bar"])", 0, R"(3/admin,13["bar"])"},
    {packet_type::binary_event, "/", 14, R"(["foo",{"_placeholder":true,"num":0}])", 1,
     R"(51-14["foo",{"_placeholder":true,"num":0}])"},
    {packet_type::ack, "/", 14, R"(["bar"])", 0, R"(314["bar"])"},
    {packet_type::event, "/", 15, R"(["foo"])", 0, R"(215["foo"])"},
    {packet_type::binary_ack, "/", 15, R"(["bar",{"_placeholder":true,"num":0}])", 1,
     R"(61-15["bar",{"_placeholder":true,"num":0}])"},
    {packet_type::disconnect, "/", {}, "", 0, "1"},
    {packet_type::disconnect, "/admin", {}, "", 0, "1/admin,"},
};

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("socketio packet: the spec's encoding tables, both ways") {
        for (const auto& r : spec_rows) {
            CAPTURE(r.encoded);
            CHECK(sio::encode_packet(r.type, r.nsp, r.ack_id, r.json, r.attachments) == r.encoded);
            auto h = sio::decode_header(r.encoded, max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->type == r.type);
            CHECK(h->nsp == r.nsp);
            CHECK(h->ack_id == r.ack_id);
            CHECK(h->data == r.json);
            CHECK(h->attachments == r.attachments);
        }
    }

    TEST_CASE("socketio packet: type characters and is_binary") {
        CHECK(static_cast<char>(packet_type::connect) == '0');
        CHECK(static_cast<char>(packet_type::disconnect) == '1');
        CHECK(static_cast<char>(packet_type::event) == '2');
        CHECK(static_cast<char>(packet_type::ack) == '3');
        CHECK(static_cast<char>(packet_type::connect_error) == '4');
        CHECK(static_cast<char>(packet_type::binary_event) == '5');
        CHECK(static_cast<char>(packet_type::binary_ack) == '6');
        for (char c = '0'; c <= '6'; ++c) {
            CAPTURE(c);
            CHECK(sio::is_binary(static_cast<packet_type>(c)) == (c == '5' || c == '6'));
        }
    }

    TEST_CASE("socketio packet: namespaces") {
        SUBCASE("absent means the main namespace") {
            auto h = sio::decode_header(R"(2["a"])", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->nsp == "/");
        }
        SUBCASE("an explicit main namespace") {
            auto h = sio::decode_header(R"(2/,["a"])", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->nsp == "/");
            CHECK(h->data == R"(["a"])");
        }
        SUBCASE("the main namespace is never written, whether given as \"/\" or \"\"") {
            CHECK(sio::encode_packet(packet_type::event, "/", {}, "[1]") == "2[1]");
            CHECK(sio::encode_packet(packet_type::event, "", {}, "[1]") == "2[1]");
        }
        SUBCASE("a legacy query string is not part of the name") {
            auto h = sio::decode_header(R"(0/admin?token=1,{"a":1})", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->nsp == "/admin");
            CHECK(h->data == R"({"a":1})");
        }
        SUBCASE("nested names and names with digits") {
            auto h = sio::decode_header(R"(2/a/b-1_2,7["x"])", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->nsp == "/a/b-1_2");
            CHECK(h->ack_id == 7u);
        }
        SUBCASE("without a comma the rest of the packet is the name, as in socket.io-parser") {
            auto h = sio::decode_header("1/admin", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->nsp == "/admin");
            CHECK(h->data.empty());
        }
        SUBCASE("binary packets put the namespace after the attachment count") {
            auto h =
                sio::decode_header(R"(62-/x,9[{"_placeholder":true,"num":1}])", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->type == packet_type::binary_ack);
            CHECK(h->attachments == 2);
            CHECK(h->nsp == "/x");
            CHECK(h->ack_id == 9u);
        }
    }

    TEST_CASE("socketio packet: ack ids") {
        SUBCASE("zero and large ids") {
            auto h0 = sio::decode_header(R"(20["a"])", max_attachments);
            REQUIRE(h0.has_value());
            CHECK(h0->ack_id == 0u);
            auto hmax = sio::decode_header(R"(218446744073709551615["a"])", max_attachments);
            REQUIRE(hmax.has_value());
            CHECK(hmax->ack_id == 18446744073709551615ULL);
            CHECK(hmax->data == R"(["a"])");
            CHECK(sio::encode_packet(packet_type::ack, "/", 18446744073709551615ULL, "[]") ==
                  "318446744073709551615[]");
        }
        SUBCASE("no id") {
            auto h = sio::decode_header(R"(3[])", max_attachments);
            REQUIRE(h.has_value());
            CHECK_FALSE(h->ack_id.has_value());
        }
        SUBCASE("ids that do not fit in 64 bits are bad_ack_id") {
            for (std::string_view s :
                 {R"(218446744073709551616["a"])", R"(299999999999999999999["a"])",
                  R"(2/admin,100000000000000000000000[])", R"(61-99999999999999999999999[])"}) {
                CAPTURE(s);
                CHECK(error_of(sio::decode_header(s, max_attachments)) ==
                      make_error_code(errc::bad_ack_id));
            }
        }
        SUBCASE("a non-binary type does not read an attachment count: '1-' is ack id 1") {
            auto h = sio::decode_header(R"(21-["a"])", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->attachments == 0);
            CHECK(h->ack_id == 1u);
            CHECK(h->data == R"(-["a"])"); // left for the JSON decoder to reject
        }
    }

    TEST_CASE("socketio packet: attachment counts") {
        SUBCASE("zero attachments is bad_attachment_count, as in socket.io-parser >= 4.2.6") {
            for (std::string_view s : {R"(50-["a"])", "60-1[]", "500-[]"}) {
                CAPTURE(s);
                CHECK(error_of(sio::decode_header(s, max_attachments)) ==
                      make_error_code(errc::bad_attachment_count));
            }
        }
        SUBCASE("exactly the limit is accepted") {
            auto h = sio::decode_header("510-[]", max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->attachments == 10);
        }
        SUBCASE("over the limit is too_many_attachments") {
            for (std::string_view s : {"511-[]", "61000-/a,1[]", "518446744073709551615-[]"}) {
                CAPTURE(s);
                CHECK(error_of(sio::decode_header(s, max_attachments)) ==
                      make_error_code(errc::too_many_attachments));
            }
            CHECK(error_of(sio::decode_header("51-[]", 0)) ==
                  make_error_code(errc::too_many_attachments));
            CHECK(error_of(sio::decode_header("510-[]", 9)) ==
                  make_error_code(errc::too_many_attachments));
        }
        SUBCASE(
            "missing, non-numeric, unterminated or overflowing counts are bad_attachment_count") {
            for (std::string_view s :
                 {"5", "6", "5-[]", "51", "51[]", "5a-[]", "5 1-[]", "5+1-[]", "5-1-[]",
                  "51/admin,[]", "599999999999999999999-[]", "618446744073709551616-[]"}) {
                CAPTURE(s);
                CHECK(error_of(sio::decode_header(s, max_attachments)) ==
                      make_error_code(errc::bad_attachment_count));
            }
        }
        SUBCASE("encode writes the count only for binary types") {
            CHECK(sio::encode_packet(packet_type::binary_event, "/", {}, "[]", 0) == "50-[]");
            CHECK(sio::encode_packet(packet_type::binary_ack, "/a", 3, "[]", 12) == "612-/a,3[]");
            CHECK(sio::encode_packet(packet_type::event, "/", {}, "[]", 5) == "2[]");
        }
    }

    TEST_CASE("socketio packet: empty and unknown types") {
        CHECK(error_of(sio::decode_header("", max_attachments)) ==
              make_error_code(errc::empty_packet));
        for (std::string_view s : {"7", "8[]", "a", "/", "[\"a\"]", "{}", " 2[]", "-1"}) {
            CAPTURE(s);
            CHECK(error_of(sio::decode_header(s, max_attachments)) ==
                  make_error_code(errc::bad_packet_type));
        }
    }

    TEST_CASE("socketio packet: data views the input and nothing past it") {
        SUBCASE("data points into the decoded text") {
            std::string text = R"(2/admin,13["foo"])";
            auto h = sio::decode_header(text, max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->data.data() == text.data() + 10);
            CHECK(h->data.size() == 7);
        }
        SUBCASE("digits after the view do not extend the ack id") {
            imedge::protocol::test::guarded g("2/admin,12", R"(3["x"])");
            auto h = sio::decode_header(g.view(), max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->ack_id == 12u);
            CHECK(h->data.empty());
        }
        SUBCASE("a comma after the view does not end the namespace") {
            imedge::protocol::test::guarded g("0/admin", ",x");
            auto h = sio::decode_header(g.view(), max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->nsp == "/admin");
            CHECK(h->data.empty());
        }
        SUBCASE("a '-' after the view does not end the attachment count") {
            imedge::protocol::test::guarded g("51", "-[]");
            CHECK(error_of(sio::decode_header(g.view(), max_attachments)) ==
                  make_error_code(errc::bad_attachment_count));
        }
    }

    TEST_CASE("socketio packet: random round trips (fixed seed)") {
        imedge::protocol::test::prng rng(0x5105);
        const std::string_view namespaces[] = {"/", "/admin", "/a/b", "/chat-room_1", "/x"};
        const std::string_view datas[] = {
            "", "[]", R"(["ev"])", R"(["ev",1,{"a":[2]}])", R"({"token":"t"})", R"("message")"};
        for (int i = 0; i < 2000; ++i) {
            auto type = static_cast<packet_type>('0' + rng.below(7));
            std::string_view nsp = namespaces[rng.below(std::size(namespaces))];
            std::optional<std::uint64_t> ack;
            if (rng.below(2) == 0)
                ack = rng.below(4) == 0 ? rng.next() : rng.below(1000);
            std::string_view data = datas[rng.below(std::size(datas))];
            std::size_t attachments = sio::is_binary(type) ? 1 + rng.below(max_attachments) : 0;
            if (ack && data.empty())
                data = "[]"; // an id followed by nothing is not a packet we send

            std::string text = sio::encode_packet(type, nsp, ack, data, attachments);
            CAPTURE(text);
            auto h = sio::decode_header(text, max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->type == type);
            CHECK(h->nsp == nsp);
            CHECK(h->ack_id == ack);
            CHECK(h->attachments == attachments);
            CHECK(h->data == data);
        }
    }

} // TEST_SUITE
