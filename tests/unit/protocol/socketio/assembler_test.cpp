// Gathering binary attachments into complete Socket.IO packets.
#include "protocol/socketio/assembler.hpp"

#include <doctest.h>

using namespace imedge::protocol;
using namespace imedge::protocol::socketio;

TEST_SUITE("protocol") {

TEST_CASE("a packet without attachments is complete at once") {
    packet_assembler a(8);
    auto r = a.feed_text(R"(2/chat,7["hi",1])");
    REQUIRE(r.has_value());
    REQUIRE(r->has_value());
    CHECK((*r)->type == packet_type::event);
    CHECK((*r)->nsp == "/chat");
    CHECK((*r)->ack_id == 7u);
    CHECK((*r)->json == R"(["hi",1])");
    CHECK_FALSE(a.waiting_for_attachments());
}

TEST_CASE("a binary event waits for each announced attachment, in order") {
    packet_assembler a(8);
    auto header = a.feed_text(R"(53-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},{"_placeholder":true,"num":2}])");
    REQUIRE(header.has_value());
    CHECK_FALSE(header->has_value());
    CHECK(a.waiting_for_attachments());
    for (const std::string& part : {std::string("a"), std::string("\0\1", 2)}) {
        auto r = a.feed_binary(part);
        REQUIRE(r.has_value());
        CHECK_FALSE(r->has_value());
    }
    auto done = a.feed_binary("last");
    REQUIRE(done.has_value());
    REQUIRE(done->has_value());
    CHECK((*done)->attachments == std::vector<std::string>{"a", std::string("\0\1", 2), "last"});
    CHECK_FALSE(a.waiting_for_attachments());
    // and the next packet starts afresh
    auto next = a.feed_text("3/chat,1[]");
    REQUIRE(next.has_value());
    CHECK((*next)->type == packet_type::ack);
}

TEST_CASE("a binary ack with zero attachments is complete at once") {
    packet_assembler a(8);
    auto r = a.feed_text("60-1[]");
    REQUIRE(r.has_value());
    REQUIRE(r->has_value());
    CHECK((*r)->type == packet_type::binary_ack);
}

TEST_CASE("out-of-order input is an error") {
    packet_assembler a(2);
    SUBCASE("an attachment nobody announced") {
        auto r = a.feed_binary("x");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::unexpected_binary);
    }
    SUBCASE("a text packet while attachments are due") {
        REQUIRE(a.feed_text(R"(51-["x",{"_placeholder":true,"num":0}])").has_value());
        auto r = a.feed_text(R"(2["y"])");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::bad_attachment_count);
    }
    SUBCASE("more attachments than allowed") {
        auto r = a.feed_text(R"(53-["x"])");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::too_many_attachments);
    }
    SUBCASE("a malformed header") {
        auto r = a.feed_text("9");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error() == errc::bad_packet_type);
    }
}

}
