// Unit tests for protocol/json_text: quoting and escaping (RFC 8259 §7), checked against simdjson.
#include "protocol/json_text.hpp"

#include "test_support.hpp"

#include <doctest.h>
#include <simdjson.h>

#include <string>

namespace {

using imedge::protocol::append_json_string;
using imedge::protocol::json_string;

// Parses `json` (one JSON string) and returns its unescaped value.
std::string parse_back(const std::string& json) {
    simdjson::dom::parser parser;
    std::string_view value;
    auto err = parser.parse(json).get(value);
    REQUIRE_MESSAGE(err == simdjson::SUCCESS, "not valid JSON: ", json);
    return std::string(value);
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("json_string: plain text is only quoted") {
        CHECK(json_string("") == R"("")");
        CHECK(json_string("hello world") == R"("hello world")");
        CHECK(json_string("/admin?x=1&y=2") == R"("/admin?x=1&y=2")");
    }

    TEST_CASE("json_string: quotes and backslashes") {
        CHECK(json_string(R"(say "hi")") == R"("say \"hi\"")");
        CHECK(json_string(R"(C:\path\)") == R"("C:\\path\\")");
        CHECK(json_string(R"(\")") == R"("\\\"")");
        CHECK(json_string("/") == R"("/")"); // '/' may stay unescaped
    }

    TEST_CASE("json_string: control characters") {
        SUBCASE("short escapes") {
            CHECK(json_string("\n") == R"("\n")");
            CHECK(json_string("\r") == R"("\r")");
            CHECK(json_string("\t") == R"("\t")");
            CHECK(json_string("\b") == R"("\b")");
            CHECK(json_string("\f") == R"("\f")");
        }
        SUBCASE("\\u00XX for the others, lower-case hex") {
            CHECK(json_string(std::string_view("\0", 1)) == R"("\u0000")");
            CHECK(json_string("\x01") == R"("\u0001")");
            CHECK(json_string("\x1e") == R"("\u001e")"); // the EIO record separator
            CHECK(json_string("\x1f") == R"("\u001f")");
            CHECK(json_string("\x0b") == R"("\u000b")");
        }
        SUBCASE("0x20 and 0x7f are not control characters for JSON") {
            CHECK(json_string(" ") == R"(" ")");
            CHECK(json_string("\x7f") == "\"\x7f\"");
        }
        SUBCASE("every byte below 0x20 round-trips through a JSON parser") {
            std::string all;
            for (int c = 0; c < 0x20; ++c)
                all += static_cast<char>(c);
            std::string json = json_string(all);
            for (char c : json.substr(1, json.size() - 2))
                CHECK(static_cast<unsigned char>(c) >= 0x20);
            CHECK(parse_back(json) == all);
        }
    }

    TEST_CASE("json_string: UTF-8 is copied as it is") {
        CHECK(json_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
        CHECK(json_string("\xe2\x80\xa8") == "\"\xe2\x80\xa8\""); // U+2028 is legal in JSON
        CHECK(json_string("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");
        CHECK(parse_back(json_string("\xe6\x97\xa5\xe6\x9c\xac \"\\\n")) ==
              "\xe6\x97\xa5\xe6\x9c\xac \"\\\n");
    }

    TEST_CASE("append_json_string: appends after existing text") {
        std::string out = R"({"message":)";
        append_json_string(out, "a\"b");
        out += '}';
        CHECK(out == R"({"message":"a\"b"})");
    }

    TEST_CASE("json_string: random printable and control mixes round-trip (fixed seed)") {
        imedge::protocol::test::prng rng(20260101);
        for (int round = 0; round < 200; ++round) {
            std::string text;
            std::size_t n = rng.below(40);
            for (std::size_t i = 0; i < n; ++i)
                text += static_cast<char>(rng.below(0x80)); // ASCII
            CAPTURE(round);
            CHECK(parse_back(json_string(text)) == text);
        }
    }

} // TEST_SUITE
