// The /ws envelopes (docs/im-protocol.md, "Plain WebSocket"): requests with and without ids,
// seed 004's shape read as a direct send, every refusal code, and the answers' exact text.
#include "im/plain_envelope.hpp"

#include <doctest.h>

#include <string>
#include <variant>

using namespace imedge::im;

namespace {

struct decoder {
    simdjson::dom::parser parser; // reused, as the shard's is

    plain_request accepted(std::string_view text) {
        auto r = decode_plain_request(text, parser);
        REQUIRE(std::holds_alternative<plain_request>(r));
        return std::get<plain_request>(r);
    }

    plain_refusal refused(std::string_view text) {
        auto r = decode_plain_request(text, parser);
        REQUIRE(std::holds_alternative<plain_refusal>(r));
        return std::get<plain_refusal>(r);
    }
};

} // namespace

TEST_SUITE("im") {
    TEST_CASE_FIXTURE(
        decoder, "plain envelope: a request's type, id (string or integer, as JSON) and data") {
        auto r = accepted(R"({"type":"send","id":7,"data":{"to":"bob", "body":[1, 2]}})");
        CHECK(r.type == "send");
        CHECK(r.id_json == "7");
        CHECK(r.data_json == R"({"to":"bob","body":[1,2]})");
        CHECK(r.data_type == simdjson::dom::element_type::OBJECT);
        CHECK(!r.seed_sender);
        auto s = accepted(R"({"id":"a\"b","type":"sync"})");
        CHECK(s.id_json == R"("a\"b")");
        CHECK(!s.data_json);
        auto none = accepted(R"({"type":"history","data":"x"})");
        CHECK(none.id_json.empty());
        CHECK(none.data_type == simdjson::dom::element_type::STRING);
    }

    TEST_CASE_FIXTURE(
        decoder, "plain envelope: seed 004's {sender, receiver, data} is a send to the receiver") {
        auto r = accepted(R"({"sender":"ann","receiver":"b\"en","data":"hi","id":1})");
        CHECK(r.type == "send");
        CHECK(r.seed_sender == "ann");
        CHECK(r.data_json == R"({"to":"b\"en","body":"hi"})");
        CHECK(r.data_type == simdjson::dom::element_type::OBJECT);
        CHECK(refused(R"({"sender":"ann","receiver":"ben"})").code == "bad_request");
        CHECK(refused(R"({"sender":"ann","data":1,"id":2})").id_json == "2");
        CHECK(refused(R"({"sender":1,"receiver":"ben","data":1})").code == "bad_request");
    }

    TEST_CASE_FIXTURE(decoder, "plain envelope: every refusal has its code") {
        CHECK(refused("").code == "bad_json");
        CHECK(refused("not json").code == "bad_json");
        CHECK(refused("[1]").code == "bad_json");
        CHECK(refused(R"({"type":"send")").code == "bad_json");
        CHECK(refused(std::string(max_plain_request + 1, ' ')).code == "too_large");
        CHECK(refused(R"({"type":"send","id":{}})").code == "bad_id");
        CHECK(refused(R"({"type":"send","id":-1})").code == "bad_id");
        CHECK(refused(R"({"type":"send","id":1.5})").code == "bad_id");
        CHECK(refused(R"({"type":"send","id":")" + std::string(max_request_id + 1, 'x') + R"("})")
                  .code == "bad_id");
        auto t = refused(R"({"type":5,"id":3})");
        CHECK(t.code == "bad_request");
        CHECK(t.id_json == "3");
        CHECK(refused(R"({"type":""})").code == "bad_request");
        CHECK(refused("{}").code == "bad_request");
        // Every truncation of a valid request is refused or read whole, never more.
        std::string whole = R"({"type":"send","id":"r1","data":{"to":"bob","body":"x"}})";
        for (std::size_t n = 0; n < whole.size(); ++n)
            CHECK(std::holds_alternative<plain_refusal>(
                decode_plain_request(std::string_view(whole).substr(0, n), parser)));
    }

    TEST_CASE("plain envelope: answers") {
        CHECK(ack_envelope("1", R"({"ok":true})") == R"({"type":"ack","id":1,"data":{"ok":true}})");
        CHECK(ack_envelope("", "") == R"({"type":"ack","data":null})");
        CHECK(error_envelope(R"("x")", "unknown_type") ==
              R"({"type":"error","id":"x","error":"unknown_type"})");
        CHECK(error_envelope("", "bad_json") == R"({"type":"error","error":"bad_json"})");
    }
}
