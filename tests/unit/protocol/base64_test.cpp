// Unit tests for protocol/base64: RFC 4648 §10 vectors, random round trips, rejected input.
#include "protocol/base64.hpp"

#include "test_support.hpp"

#include <doctest.h>

#include <string>
#include <utility>

namespace {

using imedge::protocol::append_base64;
using imedge::protocol::decode_base64;
using imedge::protocol::errc;
using imedge::protocol::make_error_code;
using imedge::protocol::test::error_of;

std::string encode(std::string_view bytes) {
    std::string out;
    append_base64(out, bytes);
    return out;
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("base64: RFC 4648 section 10 test vectors") {
        const std::pair<std::string_view, std::string_view> vectors[] = {
            {"", ""},
            {"f", "Zg=="},
            {"fo", "Zm8="},
            {"foo", "Zm9v"},
            {"foob", "Zm9vYg=="},
            {"fooba", "Zm9vYmE="},
            {"foobar", "Zm9vYmFy"},
        };
        for (auto [plain, coded] : vectors) {
            CAPTURE(plain);
            CHECK(encode(plain) == coded);
            auto back = decode_base64(coded);
            REQUIRE(back.has_value());
            CHECK(*back == plain);
        }
    }

    TEST_CASE("base64: the whole alphabet, including '+' and '/'") {
        std::string bytes;
        // 0x00 0x10 0x83 ... : consecutive 6-bit groups 0,1,2,...,63
        for (unsigned i = 0; i < 64; i += 4) {
            std::uint32_t n = i << 18 | (i + 1) << 12 | (i + 2) << 6 | (i + 3);
            bytes += static_cast<char>(n >> 16);
            bytes += static_cast<char>(n >> 8 & 0xff);
            bytes += static_cast<char>(n & 0xff);
        }
        const std::string alphabet =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        CHECK(encode(bytes) == alphabet);
        auto back = decode_base64(alphabet);
        REQUIRE(back.has_value());
        CHECK(*back == bytes);
    }

    TEST_CASE("base64: every byte value and high bits survive") {
        std::string bytes;
        for (int i = 0; i < 256; ++i)
            bytes += static_cast<char>(i);
        CHECK(encode("\xff\xff\xff") == "////");
        CHECK(encode(std::string("\0\0\0", 3)) == "AAAA");
        CHECK(encode("\xfb\xff") == "+/8=");
        auto back = decode_base64(encode(bytes));
        REQUIRE(back.has_value());
        CHECK(*back == bytes);
    }

    TEST_CASE("base64: append_base64 appends and keeps what is already there") {
        std::string out = "b";
        append_base64(out, "\x01\x02\x03\x04");
        CHECK(out == "bAQIDBA==");
        append_base64(out, "");
        CHECK(out == "bAQIDBA==");
    }

    TEST_CASE("base64: random round trips (fixed seed)") {
        imedge::protocol::test::prng rng(0x5eed'b64);
        for (std::size_t len = 0; len < 300; ++len) {
            std::string bytes = rng.bytes(len);
            std::string coded = encode(bytes);
            CAPTURE(len);
            CHECK(coded.size() == (len + 2) / 3 * 4);
            auto back = decode_base64(coded);
            REQUIRE(back.has_value());
            CHECK(*back == bytes);
        }
    }

    TEST_CASE("base64: malformed input is bad_base64") {
        const auto bad = make_error_code(errc::bad_base64);
        SUBCASE("length not a multiple of 4") {
            for (std::string_view s : {"A", "AB", "ABC", "ABCDE", "Zm9vYg=", "Zm9vYg", "Zg="}) {
                CAPTURE(s);
                CHECK(error_of(decode_base64(s)) == bad);
            }
        }
        SUBCASE("characters outside the alphabet") {
            for (std::string_view s :
                 {"Zm9-", "Zm9_", "Zm 9", "Zm9\n", "Zm.v", "Zm9v\r\n\r\n", "Zm*v", "Zm9v!AAA"}) {
                CAPTURE(s);
                CHECK(error_of(decode_base64(s)) == bad);
            }
            CHECK(error_of(decode_base64(std::string_view("Zm\0v", 4))) == bad);
            CHECK(error_of(decode_base64("Zm\xc3\xa9")) == bad);
            CHECK(error_of(decode_base64("\x80\x81\x82\x83")) == bad);
        }
        SUBCASE("padding anywhere but the end of the last quantum") {
            for (std::string_view s :
                 {"====", "A===", "=AAA", "A=AA", "AA=A", "A=A=", "Zg==Zg==", "Zm8=AAAA", "AB=C"}) {
                CAPTURE(s);
                CHECK(error_of(decode_base64(s)) == bad);
            }
        }
    }

    TEST_CASE("base64: decoding only reads the bytes it is given") {
        // the same text, once exact and once followed by characters that would change the result
        imedge::protocol::test::guarded g("Zm9vYg==", "QUJD");
        auto r = decode_base64(g.view());
        REQUIRE(r.has_value());
        CHECK(*r == "foob");
    }

} // TEST_SUITE
