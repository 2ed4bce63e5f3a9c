// Unit tests for protocol/error: the errc category, messages and conversions.
#include "protocol/error.hpp"

#include <doctest.h>

#include <set>
#include <string>

namespace {

using imedge::protocol::errc;
using imedge::protocol::make_error_code;
using imedge::protocol::protocol_category;

constexpr errc all_errc[] = {
    errc::empty_packet,      errc::bad_packet_type,
    errc::bad_base64,        errc::payload_too_large,
    errc::bad_json,          errc::bad_namespace,
    errc::bad_ack_id,        errc::bad_attachment_count,
    errc::bad_placeholder,   errc::event_name_not_string,
    errc::bad_event_payload, errc::too_many_attachments,
    errc::unexpected_binary,
};

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("errc: every value has its own message in the imedge.protocol category") {
        std::set<std::string> messages;
        for (errc e : all_errc) {
            boost::system::error_code ec = e; // implicit through is_error_code_enum
            CAPTURE(static_cast<int>(e));
            CHECK(ec);                                     // never the success value
            CHECK(&ec.category() == &protocol_category()); // one category instance
            CHECK(std::string(ec.category().name()) == "imedge.protocol");
            CHECK(ec == make_error_code(e));
            CHECK(ec.message() != "unknown protocol error");
            CHECK_FALSE(ec.message().empty());
            messages.insert(ec.message());
        }
        CHECK(messages.size() == std::size(all_errc));
    }

    TEST_CASE("errc: the first value is 1, so no errc converts to success") {
        CHECK(static_cast<int>(errc::empty_packet) == 1);
        CHECK(static_cast<int>(errc::unexpected_binary) == static_cast<int>(std::size(all_errc)));
    }

    TEST_CASE("errc: selected messages") {
        CHECK(make_error_code(errc::empty_packet).message() == "empty packet");
        CHECK(make_error_code(errc::payload_too_large).message() == "payload exceeds maxPayload");
        CHECK(make_error_code(errc::bad_json).message() == "invalid JSON");
        CHECK(make_error_code(errc::bad_namespace).message() == "invalid namespace");
        CHECK(make_error_code(errc::unexpected_binary).message() ==
              "binary data where none was announced");
    }

    TEST_CASE("errc: values outside the enum get a generic message, not a crash") {
        CHECK(protocol_category().message(0) == "unknown protocol error");
        CHECK(protocol_category().message(999) == "unknown protocol error");
        CHECK(protocol_category().message(-1) == "unknown protocol error");
    }

    TEST_CASE("errc: a result<T> carries the code and compares with the enum") {
        imedge::protocol::result<int> ok = 7;
        imedge::protocol::result<int> bad = errc::bad_ack_id;
        REQUIRE(ok.has_value());
        CHECK(*ok == 7);
        REQUIRE(bad.has_error());
        CHECK(bad.error() == make_error_code(errc::bad_ack_id));
        CHECK(bad.error() != make_error_code(errc::bad_json));
    }

} // TEST_SUITE
