// Gathering binary attachments into complete Socket.IO packets, within the count and byte bounds.
#include "protocol/socketio/assembler.hpp"

#include <doctest.h>

#include <chrono>

using namespace imedge::protocol;
using namespace imedge::protocol::socketio;

namespace {

const packet_assembler::clock::time_point t0{std::chrono::seconds(100)};

assembler_limits limits(std::size_t count, std::size_t bytes = 1'000'000) {
    return assembler_limits{count, bytes};
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("a packet without attachments is complete at once") {
        packet_assembler a(limits(8));
        auto r = a.feed_text(R"(2/chat,7["hi",1])", t0);
        REQUIRE(r.has_value());
        REQUIRE(r->has_value());
        CHECK((*r)->type == packet_type::event);
        CHECK((*r)->nsp == "/chat");
        CHECK((*r)->ack_id == 7u);
        CHECK((*r)->json == R"(["hi",1])");
        CHECK_FALSE(a.waiting_for_attachments());
        CHECK_FALSE(a.incomplete_since());
    }

    TEST_CASE("a binary event waits for each announced attachment, in order") {
        packet_assembler a(limits(8));
        std::string text =
            R"(53-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},{"_placeholder":true,"num":2}])";
        auto header = a.feed_text(text, t0);
        REQUIRE(header.has_value());
        CHECK_FALSE(header->has_value());
        CHECK(a.waiting_for_attachments());
        CHECK(a.incomplete_since() == t0);
        CHECK(a.pending_bytes() == text.size());
        for (const std::string& part : {std::string("a"), std::string("\0\1", 2)}) {
            auto r = a.feed_binary(part);
            REQUIRE(r.has_value());
            CHECK_FALSE(r->has_value());
        }
        CHECK(a.pending_bytes() == text.size() + 3);
        auto done = a.feed_binary("last");
        REQUIRE(done.has_value());
        REQUIRE(done->has_value());
        CHECK((*done)->attachments ==
              std::vector<std::string>{"a", std::string("\0\1", 2), "last"});
        CHECK_FALSE(a.waiting_for_attachments());
        CHECK_FALSE(a.incomplete_since());
        CHECK(a.pending_bytes() == 0);
        // and the next packet starts afresh, with its own time
        auto later = t0 + std::chrono::seconds(5);
        REQUIRE(a.feed_text(R"(61-/chat,1[{"_placeholder":true,"num":0}])", later).has_value());
        CHECK(a.incomplete_since() == later);
    }

    TEST_CASE("the defaults are socket.io-parser's 10 attachments and maxPayload bytes") {
        packet_assembler a;
        CHECK(a.limits().max_attachments == 10);
        CHECK(a.limits().max_bytes == 1'000'000);
        CHECK(a.feed_text("510-[]", t0).has_value());
        packet_assembler b;
        CHECK(b.feed_text("511-[]", t0).error() == errc::too_many_attachments);
    }

    TEST_CASE("the attachments of one packet are bounded in bytes all together") {
        const std::string header = R"(53-["x"])"; // 8 bytes
        SUBCASE("exactly the bound is accepted") {
            packet_assembler a(limits(3, header.size() + 30));
            REQUIRE(a.feed_text(header, t0).has_value());
            REQUIRE(a.feed_binary(std::string(10, 'a')).has_value());
            REQUIRE(a.feed_binary(std::string(10, 'b')).has_value());
            auto done = a.feed_binary(std::string(10, 'c'));
            REQUIRE(done.has_value());
            CHECK(done->has_value());
        }
        SUBCASE("one byte past the bound is refused, and nothing stays pending") {
            packet_assembler a(limits(3, header.size() + 29));
            REQUIRE(a.feed_text(header, t0).has_value());
            REQUIRE(a.feed_binary(std::string(10, 'a')).has_value());
            REQUIRE(a.feed_binary(std::string(10, 'b')).has_value());
            CHECK(a.pending_bytes() == header.size() + 20);
            auto r = a.feed_binary(std::string(10, 'c'));
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error() == errc::packet_too_large);
            CHECK_FALSE(a.waiting_for_attachments());
            CHECK(a.pending_bytes() == 0);
        }
        SUBCASE("each part within maxPayload, the sum not: the hostile case of issue 8 item 2") {
            packet_assembler a(limits(10, 1000));
            REQUIRE(a.feed_text("510-[]", t0).has_value());
            std::size_t accepted = 0;
            for (int i = 0; i < 10; ++i) {
                auto r = a.feed_binary(std::string(400, 'z'));
                if (!r) {
                    CHECK(r.error() == errc::packet_too_large);
                    break;
                }
                ++accepted;
                CHECK(a.pending_bytes() <= 1000);
            }
            CHECK(accepted == 2);
        }
        SUBCASE("a header alone over the bound is refused") {
            packet_assembler a(limits(3, 5));
            CHECK(a.feed_text(header, t0).error() == errc::packet_too_large);
            CHECK_FALSE(a.waiting_for_attachments());
            // a non-binary packet is bounded by the transport's maxPayload, not by this
            CHECK(a.feed_text(R"(2["long enough"])", t0).has_value());
        }
    }

    TEST_CASE("a binary packet with zero attachments is malformed (socket.io-parser >= 4.2.6)") {
        packet_assembler a(limits(8));
        CHECK(a.feed_text("60-1[]", t0).error() == errc::bad_attachment_count);
        CHECK_FALSE(a.waiting_for_attachments());
    }

    TEST_CASE("out-of-order input is an error") {
        packet_assembler a(limits(2));
        SUBCASE("an attachment nobody announced") {
            auto r = a.feed_binary("x");
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error() == errc::unexpected_binary);
        }
        SUBCASE("a text packet while attachments are due, which drops the pending one") {
            REQUIRE(a.feed_text(R"(51-["x",{"_placeholder":true,"num":0}])", t0).has_value());
            auto r = a.feed_text(R"(2["y"])", t0);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error() == errc::bad_attachment_count);
            CHECK_FALSE(a.waiting_for_attachments());
        }
        SUBCASE("more attachments than allowed") {
            auto r = a.feed_text(R"(53-["x"])", t0);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error() == errc::too_many_attachments);
        }
        SUBCASE("a malformed header") {
            auto r = a.feed_text("9", t0);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error() == errc::bad_packet_type);
        }
    }
}
