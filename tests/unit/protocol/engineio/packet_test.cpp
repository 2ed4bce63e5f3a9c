// Unit tests for protocol/engineio/packet: the seven Engine.IO v4 packet types.
#include "protocol/engineio/packet.hpp"

#include "../test_support.hpp"

#include <doctest.h>

#include <string>

namespace {

namespace eio = imedge::protocol::engineio;
using eio::frame_kind;
using eio::packet_type;
using imedge::protocol::errc;
using imedge::protocol::make_error_code;
using imedge::protocol::test::error_of;

constexpr packet_type all_types[] = {packet_type::open, packet_type::close,   packet_type::ping,
                                     packet_type::pong, packet_type::message, packet_type::upgrade,
                                     packet_type::noop};

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("engineio packet: type characters are the spec's 0..6") {
        CHECK(static_cast<char>(packet_type::open) == '0');
        CHECK(static_cast<char>(packet_type::close) == '1');
        CHECK(static_cast<char>(packet_type::ping) == '2');
        CHECK(static_cast<char>(packet_type::pong) == '3');
        CHECK(static_cast<char>(packet_type::message) == '4');
        CHECK(static_cast<char>(packet_type::upgrade) == '5');
        CHECK(static_cast<char>(packet_type::noop) == '6');
    }

    TEST_CASE("engineio packet: every type round-trips, with and without data") {
        for (packet_type t : all_types) {
            for (std::string_view data : {std::string_view{}, std::string_view{"probe"},
                                          std::string_view{"{\"sid\":\"x\"}"}}) {
                CAPTURE(static_cast<char>(t));
                CAPTURE(data);
                std::string text = eio::encode_text_packet(t, data);
                CHECK(text.size() == data.size() + 1);
                CHECK(text.front() == static_cast<char>(t));
                auto p = eio::decode_text_packet(text);
                REQUIRE(p.has_value());
                CHECK(p->type == t);
                CHECK(p->kind == frame_kind::text);
                CHECK(p->data == data);
            }
        }
    }

    TEST_CASE("engineio packet: examples from the spec") {
        SUBCASE("4hello is a message") {
            auto p = eio::decode_text_packet("4hello");
            REQUIRE(p.has_value());
            CHECK(*p == eio::packet{packet_type::message, frame_kind::text, "hello"});
        }
        SUBCASE("2probe / 3probe for the upgrade probe") {
            CHECK(eio::encode_text_packet(packet_type::pong, "probe") == "3probe");
            auto p = eio::decode_text_packet("2probe");
            REQUIRE(p.has_value());
            CHECK(p->type == packet_type::ping);
            CHECK(p->data == "probe");
        }
        SUBCASE("bare single-character packets") {
            CHECK(eio::encode_text_packet(packet_type::ping) == "2");
            CHECK(eio::encode_text_packet(packet_type::upgrade) == "5");
            CHECK(eio::encode_text_packet(packet_type::noop) == "6");
            auto p = eio::decode_text_packet("1");
            REQUIRE(p.has_value());
            CHECK(p->type == packet_type::close);
            CHECK(p->data.empty());
        }
        SUBCASE("a Socket.IO packet nested in a message") {
            auto p = eio::decode_text_packet(R"(42["hey","Jude"])");
            REQUIRE(p.has_value());
            CHECK(p->data == R"(2["hey","Jude"])");
        }
    }

    TEST_CASE("engineio packet: data is kept byte for byte") {
        std::string data("a\x1e"
                         "b\0c\xff\n",
                         7);
        auto p = eio::decode_text_packet(eio::encode_text_packet(packet_type::message, data));
        REQUIRE(p.has_value());
        CHECK(p->data == data);
    }

    TEST_CASE("engineio packet: malformed text packets") {
        SUBCASE("empty") {
            CHECK(error_of(eio::decode_text_packet("")) == make_error_code(errc::empty_packet));
        }
        SUBCASE("unknown type characters") {
            for (std::string_view s : {"7", "9", "/", "abc", "b4hello", " 4", "-1", "\xff"}) {
                CAPTURE(s);
                CHECK(error_of(eio::decode_text_packet(s)) ==
                      make_error_code(errc::bad_packet_type));
            }
            // a leading NUL byte, spelled with an explicit length
            CHECK(error_of(eio::decode_text_packet(std::string_view("\0"
                                                                    "4",
                                                                    2))) ==
                  make_error_code(errc::bad_packet_type));
        }
    }

    TEST_CASE("engineio packet: binary frames are binary message packets") {
        std::string bytes("\x00\x01\x02\x03\x04\x05", 6);
        eio::packet p = eio::binary_packet(bytes);
        CHECK(p.type == packet_type::message);
        CHECK(p.kind == frame_kind::binary);
        CHECK(p.data == bytes);
        CHECK(eio::binary_packet("").data.empty());
        // a binary packet is not equal to the text packet with the same bytes
        CHECK_FALSE(p == eio::packet{packet_type::message, frame_kind::text, bytes});
    }

    TEST_CASE("engineio packet: the decoder reads only its view") {
        imedge::protocol::test::guarded g("4hi", "6XYZ");
        auto p = eio::decode_text_packet(g.view());
        REQUIRE(p.has_value());
        CHECK(p->data == "hi");
    }

} // TEST_SUITE
