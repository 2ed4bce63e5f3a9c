// Unit tests for protocol/engineio/payload: HTTP long-polling bodies (packets joined by 0x1e,
// binary as 'b' + base64), including bodies re-assembled from random splits.
#include "protocol/engineio/payload.hpp"

#include "../test_support.hpp"

#include <doctest.h>

#include <string>
#include <vector>

namespace {

namespace eio = imedge::protocol::engineio;
using eio::frame_kind;
using eio::packet;
using eio::packet_type;
using imedge::protocol::errc;
using imedge::protocol::make_error_code;
using imedge::protocol::test::error_of;
using imedge::protocol::test::prng;

constexpr std::size_t max_payload = 1000000;

std::string encode_all(const std::vector<packet>& packets) {
    std::string body;
    for (const auto& p : packets)
        eio::append_to_payload(body, p);
    return body;
}

// A random packet: text packets of any type with printable data (0x1e cannot occur in a
// text packet), or binary messages with arbitrary bytes.
packet random_packet(prng& rng) {
    if (rng.below(3) == 0)
        return eio::binary_packet(rng.bytes(rng.below(64)));
    packet p;
    p.type = static_cast<packet_type>('0' + rng.below(7));
    std::size_t n = rng.below(48);
    for (std::size_t i = 0; i < n; ++i)
        p.data += static_cast<char>(0x20 + rng.below(0x5f));
    if (rng.below(4) == 0)
        p.data += "\xc3\xa9\xe2\x82\xac"; // some UTF-8 as well
    return p;
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("engineio payload: the spec's examples") {
        SUBCASE("two messages") {
            auto r = eio::decode_payload("42[\"hello\"]\x1e"
                                         "42[\"world\"]",
                                         max_payload);
            REQUIRE(r.has_value());
            REQUIRE(r->size() == 2);
            CHECK((*r)[0] == packet{packet_type::message, frame_kind::text, R"(2["hello"])"});
            CHECK((*r)[1] == packet{packet_type::message, frame_kind::text, R"(2["world"])"});
        }
        SUBCASE("text and base64 binary") {
            auto r = eio::decode_payload("4hello\x1e"
                                         "bAQIDBA==",
                                         max_payload);
            REQUIRE(r.has_value());
            REQUIRE(r->size() == 2);
            CHECK((*r)[0] == packet{packet_type::message, frame_kind::text, "hello"});
            CHECK((*r)[1] == packet{packet_type::message, frame_kind::binary, "\x01\x02\x03\x04"});
        }
        SUBCASE("a single packet has no separator") {
            auto r = eio::decode_payload("2", max_payload);
            REQUIRE(r.has_value());
            REQUIRE(r->size() == 1);
            CHECK((*r)[0].type == packet_type::ping);
            CHECK((*r)[0].data.empty());
        }
    }

    TEST_CASE("engineio payload: encoding") {
        std::string body;
        SUBCASE("the first packet has no leading separator, later ones do") {
            eio::append_to_payload(body, {packet_type::open, frame_kind::text, R"({"sid":"a"})"});
            CHECK(body == R"(0{"sid":"a"})");
            eio::append_to_payload(body, {packet_type::message, frame_kind::text, "x"});
            CHECK(body == "0{\"sid\":\"a\"}\x1e"
                          "4x");
            eio::append_to_payload(body, eio::binary_packet("\x01\x02\x03\x04"));
            CHECK(body == "0{\"sid\":\"a\"}\x1e"
                          "4x\x1e"
                          "bAQIDBA==");
        }
        SUBCASE("pre-encoded text and binary") {
            eio::append_encoded_to_payload(body, R"(42["a"])", frame_kind::text);
            eio::append_encoded_to_payload(body, "\xff", frame_kind::binary);
            eio::append_encoded_to_payload(body, "6", frame_kind::text);
            CHECK(body == "42[\"a\"]\x1e"
                          "b/w==\x1e"
                          "6");
        }
        SUBCASE("an empty binary packet is a lone 'b'") {
            eio::append_to_payload(body, eio::binary_packet(""));
            CHECK(body == "b");
            auto r = eio::decode_payload(body, max_payload);
            REQUIRE(r.has_value());
            REQUIRE(r->size() == 1);
            CHECK((*r)[0] == eio::binary_packet(""));
        }
    }

    TEST_CASE("engineio payload: every packet type in one body") {
        std::vector<packet> packets;
        for (char t = '0'; t <= '6'; ++t)
            packets.push_back(
                {static_cast<packet_type>(t), frame_kind::text, std::string("d") + t});
        packets.push_back(eio::binary_packet("bin"));
        std::string body = encode_all(packets);
        CHECK(body == "0d0\x1e"
                      "1d1\x1e"
                      "2d2\x1e"
                      "3d3\x1e"
                      "4d4\x1e"
                      "5d5\x1e"
                      "6d6\x1e"
                      "bYmlu");
        auto r = eio::decode_payload(body, max_payload);
        REQUIRE(r.has_value());
        CHECK(*r == packets);
    }

    TEST_CASE("engineio payload: many packets round-trip") {
        prng rng(42);
        std::vector<packet> packets;
        for (int i = 0; i < 2000; ++i)
            packets.push_back(random_packet(rng));
        std::string body = encode_all(packets);
        auto r = eio::decode_payload(body, body.size());
        REQUIRE(r.has_value());
        REQUIRE(r->size() == packets.size());
        CHECK(*r == packets);
    }

    TEST_CASE("engineio payload: empty parts are rejected") {
        const auto empty = make_error_code(errc::empty_packet);
        for (std::string_view body : {"", "\x1e",
                                      "\x1e"
                                      "4a",
                                      "4a\x1e",
                                      "4a\x1e\x1e"
                                      "4b",
                                      "\x1e\x1e"}) {
            CAPTURE(body);
            CHECK(error_of(eio::decode_payload(body, max_payload)) == empty);
        }
    }

    TEST_CASE("engineio payload: one bad packet fails the whole body") {
        SUBCASE("unknown type") {
            CHECK(error_of(eio::decode_payload("4a\x1e"
                                               "7x\x1e"
                                               "4b",
                                               max_payload)) ==
                  make_error_code(errc::bad_packet_type));
            CHECK(error_of(eio::decode_payload("abc", max_payload)) ==
                  make_error_code(errc::bad_packet_type));
        }
        SUBCASE("bad base64 after 'b'") {
            for (std::string_view body : {"bAQIDBA=", "b!!!!",
                                          "4a\x1e"
                                          "bAQ==AQ==",
                                          "bAQIDBA==\x1e"
                                          "bA"}) {
                CAPTURE(body);
                CHECK(error_of(eio::decode_payload(body, max_payload)) ==
                      make_error_code(errc::bad_base64));
            }
        }
        SUBCASE("base64 padding is not optional") {
            CHECK(error_of(eio::decode_payload("bAQIDBA", max_payload)) ==
                  make_error_code(errc::bad_base64));
        }
    }

    TEST_CASE("engineio payload: maxPayload is checked on the whole body before decoding") {
        std::string body = "4" + std::string(99, 'x'); // 100 bytes
        SUBCASE("exactly at the limit is accepted") {
            auto r = eio::decode_payload(body, 100);
            REQUIRE(r.has_value());
            CHECK((*r)[0].data.size() == 99);
        }
        SUBCASE("one byte over is payload_too_large") {
            CHECK(error_of(eio::decode_payload(body, 99)) ==
                  make_error_code(errc::payload_too_large));
        }
        SUBCASE("the size check wins over malformed content") {
            CHECK(error_of(eio::decode_payload("zzzzzz", 5)) ==
                  make_error_code(errc::payload_too_large));
        }
        SUBCASE("a large valid body under the default limit") {
            std::string big;
            for (int i = 0; i < 10000; ++i)
                eio::append_to_payload(
                    big, {packet_type::message, frame_kind::text, std::string(90, 'a')});
            REQUIRE(big.size() < max_payload);
            auto r = eio::decode_payload(big, max_payload);
            REQUIRE(r.has_value());
            CHECK(r->size() == 10000);
            CHECK(error_of(eio::decode_payload(big, big.size() - 1)) ==
                  make_error_code(errc::payload_too_large));
        }
    }

    TEST_CASE("engineio payload: the result does not depend on how the body was buffered") {
        prng rng(0xb0d1e5);
        // 60 random bodies, each checked against the packets it was built from
        auto for_each_body = [&](auto&& check) {
            for (int round = 0; round < 60; ++round) {
                std::vector<packet> packets;
                std::size_t n = 1 + rng.below(40);
                for (std::size_t i = 0; i < n; ++i)
                    packets.push_back(random_packet(rng));
                CAPTURE(round);
                check(encode_all(packets), packets);
            }
        };
        SUBCASE("fed whole") {
            for_each_body([&](const std::string& body, const std::vector<packet>& packets) {
                auto r = eio::decode_payload(body, max_payload);
                REQUIRE(r.has_value());
                CHECK(*r == packets);
            });
        }
        SUBCASE("as a view into a larger buffer") {
            for_each_body([&](const std::string& body, const std::vector<packet>& packets) {
                // bytes that would add a packet, or break the last one, if they were read
                imedge::protocol::test::guarded g(body, "\x1e"
                                                        "7");
                auto r = eio::decode_payload(g.view(), max_payload);
                REQUIRE(r.has_value());
                CHECK(*r == packets);
            });
        }
    }

    TEST_CASE("engineio payload: truncated bodies") {
        std::vector<packet> packets = {
            {packet_type::message, frame_kind::text, R"(2["a",1])"},
            eio::binary_packet("\x01\x02\x03\x04\x05"), // "bAQIDBAU="
            {packet_type::ping, frame_kind::text, ""},
            {packet_type::message, frame_kind::text, "tail"},
        };
        const std::string body = encode_all(packets);
        std::vector<std::size_t> boundaries; // where each packet ends
        for (std::size_t i = 0; i < body.size(); ++i)
            if (body[i] == '\x1e')
                boundaries.push_back(i);
        boundaries.push_back(body.size());
        REQUIRE(boundaries.size() == packets.size());

        for (std::size_t len = 0; len <= body.size(); ++len) {
            CAPTURE(len);
            auto r = eio::decode_payload(std::string_view(body).substr(0, len), max_payload);
            std::size_t k = 0;
            while (k < boundaries.size() && boundaries[k] < len)
                ++k;
            if (k < boundaries.size() && boundaries[k] == len) {
                // cut exactly at the end of packet k: the first k+1 packets
                REQUIRE(r.has_value());
                CHECK(std::vector<packet>(packets.begin(),
                                          packets.begin() + static_cast<std::ptrdiff_t>(k) + 1) ==
                      *r);
            } else if (len == 0 || body[len - 1] == '\x1e') {
                CHECK(error_of(r) == make_error_code(errc::empty_packet));
            } else if (k == 1) {
                // inside "bAQIDBAU=": only lengths 1 ("b") and 5 ("bAQID") are whole quanta
                std::size_t part = len - (boundaries[0] + 1);
                if (part == 1 || part == 5) {
                    CHECK(r.has_value());
                } else {
                    CHECK(error_of(r) == make_error_code(errc::bad_base64));
                }
            } else {
                // a cut text packet is still a well-formed (shorter) text packet
                REQUIRE(r.has_value());
                CHECK(r->size() == k + 1);
            }
        }
    }

} // TEST_SUITE
