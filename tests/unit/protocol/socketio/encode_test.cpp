// Unit tests for protocol/socketio/encode: exact texts from the protocol spec's examples, and
// every packet round-tripped through decode_header and json_decoder.
#include "protocol/socketio/encode.hpp"

#include "protocol/socketio/json_decoder.hpp"
#include "protocol/socketio/packet.hpp"

#include "../test_support.hpp"

#include <doctest.h>

#include <string>

namespace {

namespace sio = imedge::protocol::socketio;
using sio::json_kind;
using sio::packet_type;

constexpr std::size_t max_attachments = 10;

std::string event(std::string_view nsp, std::string_view name, const sio::payload& data,
                  std::optional<std::uint64_t> id = std::nullopt) {
    std::string out;
    sio::append_event(out, nsp, name, data, id);
    return out;
}

std::string ack(std::string_view nsp, std::uint64_t id, const sio::payload& data) {
    std::string out;
    sio::append_ack(out, nsp, id, data);
    return out;
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("socketio encode: the spec's examples") {
        sio::payload none;
        sio::payload one;
        one.add_string("bar");
        CHECK(event("/", "foo", none) == R"(2["foo"])");
        CHECK(event("/admin", "bar", none) == R"(2/admin,["bar"])");
        CHECK(event("/", "foo", one, 12) == R"(212["foo","bar"])");
        CHECK(ack("/admin", 13, one) == R"(3/admin,13["bar"])");
        CHECK(ack("/", 0, none) == "30[]");
        sio::payload bin;
        bin.add_binary("\x01\x02\x03");
        CHECK(event("/", "baz", bin) == R"(51-["baz",{"_placeholder":true,"num":0}])");
        CHECK(ack("/admin", 15, bin) == R"(61-/admin,15[{"_placeholder":true,"num":0}])");

        std::string out = "4"; // appends after what the caller already wrote
        sio::append_connect(out, "/", "oSO0OpakmV_Da1YBAAAB");
        CHECK(out == R"(40{"sid":"oSO0OpakmV_Da1YBAAAB"})");
        out.clear();
        sio::append_connect(out, "/admin", "x");
        CHECK(out == R"(0/admin,{"sid":"x"})");
        out.clear();
        sio::append_connect_error(out, "/", "Not authorized");
        CHECK(out == R"(4{"message":"Not authorized"})");
        out.clear();
        sio::append_connect_error(out, "/admin", "no", R"({"code":7})");
        CHECK(out == R"(4/admin,{"message":"no","data":{"code":7}})");
        out.clear();
        sio::append_disconnect(out, "/admin");
        CHECK(out == "1/admin,");
        out.clear();
        sio::append_disconnect(out, "/");
        CHECK(out == "1");
    }

    TEST_CASE("socketio encode: escaping in names, sids and messages") {
        sio::json_decoder d;
        const std::string nasty = std::string("q\"b\\s/\n\r\t\b\f\x01\x1f", 13) + "\xc3\xa9";
        SUBCASE("event name and string args") {
            sio::payload p;
            p.add_string(nasty);
            auto text = event("/", nasty, p);
            auto h = sio::decode_header(text, max_attachments);
            REQUIRE(h.has_value());
            auto ev = d.decode_event(h->data, 0);
            REQUIRE(ev.has_value());
            CHECK(ev->name == nasty);
            CHECK(ev->args.string_at(0) == nasty);
        }
        SUBCASE("connect_error message") {
            std::string out;
            sio::append_connect_error(out, "/", nasty);
            auto h = sio::decode_header(out, max_attachments);
            REQUIRE(h.has_value());
            CHECK(h->type == packet_type::connect_error);
            auto json = d.decode_connect(h->data); // an object: the same JSON rules apply
            REQUIRE(json.has_value());
            auto back = d.decode_ack("[" + *json + "]", 0);
            REQUIRE(back.has_value());
            CHECK(back->items[0].json == *json);
            CHECK(json->find('\n') == std::string::npos);
        }
        SUBCASE("connect sid") {
            std::string out;
            sio::append_connect(out, "/", "a\"b");
            CHECK(out == R"(0{"sid":"a\"b"})");
        }
    }

    TEST_CASE("socketio encode: an empty event name stays a name") {
        // issue 8 item 5: `2[]` (the name dropped) is a packet socket.io-parser rejects
        sio::payload p;
        p.add_int(1);
        CHECK(event("/", "", p) == R"(2["",1])");
        CHECK(event("/", "", sio::payload{}) == R"(2[""])");
    }

    TEST_CASE("socketio encode: binary placeholders and attachments keep their order") {
        sio::json_decoder d;
        sio::payload p;
        p.add_binary("A").add_string("mid").add_binary("B").add_json(R"({"k":null})");
        auto text = event("/files", "up", p, 7);
        CHECK(
            text ==
            R"(52-/files,7["up",{"_placeholder":true,"num":0},"mid",{"_placeholder":true,"num":1},{"k":null}])");
        auto h = sio::decode_header(text, max_attachments);
        REQUIRE(h.has_value());
        CHECK(h->type == packet_type::binary_event);
        CHECK(h->attachments == 2);
        CHECK(h->nsp == "/files");
        CHECK(h->ack_id == 7u);
        auto ev = d.decode_event(h->data, h->attachments);
        REQUIRE(ev.has_value());
        ev->args.attachments = p.attachments();
        CHECK(ev->args.binary_at(0) == "A");
        CHECK(ev->args.string_at(1) == "mid");
        CHECK(ev->args.binary_at(2) == "B");
        // echoing what was received reproduces the same packet
        CHECK(event("/files", "up", sio::payload(ev->args), 7) == text);
    }

    TEST_CASE("socketio encode: random packets round-trip (fixed seed)") {
        imedge::protocol::test::prng rng(0xE1C0DE);
        sio::json_decoder d;
        const std::string_view namespaces[] = {"/", "/admin", "/a/b", "/x-y_z", "/9"};
        for (int i = 0; i < 1000; ++i) {
            std::string_view nsp = namespaces[rng.below(std::size(namespaces))];
            std::optional<std::uint64_t> id;
            if (rng.below(2))
                id = rng.below(3) == 0 ? rng.next() : rng.below(100);
            sio::payload p;
            std::vector<std::string> strings;
            std::size_t n = rng.below(6);
            for (std::size_t k = 0; k < n; ++k) {
                switch (rng.below(4)) {
                case 0: {
                    std::string s = rng.bytes(rng.below(12));
                    for (auto& c : s)
                        c = static_cast<char>(static_cast<unsigned char>(c) & 0x7f); // ASCII
                    p.add_string(s);
                    break;
                }
                case 1:
                    p.add_int(static_cast<std::int64_t>(rng.next()));
                    break;
                case 2:
                    p.add_binary(rng.bytes(rng.below(5)));
                    break;
                default:
                    p.add_null();
                    break;
                }
            }
            bool is_ack = rng.below(2) == 0;
            std::string name = "ev" + std::to_string(i);
            std::string text = is_ack ? ack(nsp, id.value_or(1), p) : event(nsp, name, p, id);
            CAPTURE(text);
            auto h = sio::decode_header(text, max_attachments);
            REQUIRE(h.has_value());
            bool binary = !p.attachments().empty();
            CHECK(sio::is_binary(h->type) == binary);
            CHECK(h->attachments == p.attachments().size());
            CHECK(h->nsp == nsp);
            auto decoded_args = [&]() -> imedge::protocol::result<sio::args> {
                if (is_ack)
                    return d.decode_ack(h->data, h->attachments);
                auto ev = d.decode_event(h->data, h->attachments);
                if (!ev)
                    return ev.error();
                CHECK(ev->name == name);
                return std::move(ev->args);
            }();
            REQUIRE(decoded_args.has_value());
            REQUIRE(decoded_args->size() == p.items().size());
            for (std::size_t k = 0; k < p.items().size(); ++k)
                CHECK(decoded_args->items[k].json == p.items()[k]);
        }
    }

} // TEST_SUITE
