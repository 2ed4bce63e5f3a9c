// What a cluster node publishes: the redis-adapter's broadcast, read back by the same decoder
// that reads @socket.io/redis-emitter messages, so both directions are checked together.
#include "push/cluster_message.hpp"
#include "push/emitter_message.hpp"
#include "push/msgpack_tree.hpp"
#include "push/msgpack_writer.hpp"

#include <doctest.h>
#include <simdjson.h>

#include <cmath>
#include <limits>

using namespace imedge::push;
using imedge::protocol::socketio::payload;

namespace {

emit_action decoded(const std::string& bytes, std::string_view own_uid = {}) {
    auto out = from_emitter_broadcast(bytes, {}, own_uid);
    REQUIRE(out.act.has_value());
    REQUIRE(std::holds_alternative<emit_action>(*out.act));
    return std::get<emit_action>(*out.act);
}

} // namespace

TEST_SUITE("push") {

    TEST_CASE("msgpack writer: every width of every kind reads back as written") {
        msgpack::writer w;
        std::vector<std::uint64_t> uints{0,
                                         127,
                                         128,
                                         255,
                                         256,
                                         65535,
                                         65536,
                                         0xffffffffULL,
                                         0x100000000ULL,
                                         std::numeric_limits<std::uint64_t>::max()};
        std::vector<std::int64_t> sints{-1,
                                        -32,
                                        -33,
                                        -128,
                                        -129,
                                        -32768,
                                        -32769,
                                        INT32_MIN,
                                        std::int64_t{INT32_MIN} - 1,
                                        std::numeric_limits<std::int64_t>::min()};
        std::vector<std::size_t> lengths{0, 31, 32, 255, 256, 65535, 65536};
        w.array(uints.size() + sints.size() + 2 * lengths.size() + 4);
        for (auto v : uints)
            w.uint(v);
        for (auto v : sints)
            w.sint(v);
        for (auto n : lengths)
            w.str(std::string(n, 'x'));
        for (auto n : lengths)
            w.bin(std::string(n, '\0'));
        w.real(-2.5);
        w.nil();
        w.boolean(true);
        w.map(1);
        w.str("k");
        w.array(20);
        for (int i = 0; i < 20; ++i)
            w.uint(i);
        auto doc = std::get<msgpack::document>(msgpack::decode(w.bytes()));
        const auto& root = doc.root();
        REQUIRE(root.type == msgpack::kind::array);
        REQUIRE(root.items.size() == uints.size() + sints.size() + 2 * lengths.size() + 4);
        std::size_t i = 0;
        for (auto v : uints) {
            const auto& n = doc.at(root.items[i++]);
            CAPTURE(v);
            CHECK(n.type == msgpack::kind::uint);
            CHECK(n.uint == v);
        }
        for (auto v : sints) {
            const auto& n = doc.at(root.items[i++]);
            CAPTURE(v);
            CHECK(n.type == msgpack::kind::sint);
            CHECK(n.sint == v);
        }
        for (auto len : lengths) {
            const auto& n = doc.at(root.items[i++]);
            CHECK(n.type == msgpack::kind::str);
            CHECK(n.text.size() == len);
        }
        for (auto len : lengths) {
            const auto& n = doc.at(root.items[i++]);
            CHECK(n.type == msgpack::kind::bin);
            CHECK(n.text.size() == len);
        }
        CHECK(doc.at(root.items[i]).real == -2.5);
        CHECK(doc.at(root.items[i + 1]).type == msgpack::kind::nil);
        CHECK(doc.at(root.items[i + 2]).boolean);
        const auto& m = doc.at(root.items[i + 3]);
        REQUIRE(m.type == msgpack::kind::map);
        CHECK(doc.find(m, "k")->items.size() == 20);
    }

    TEST_CASE("a node's emit reads back as the same emit, JSON args and attachments included") {
        simdjson::dom::parser parser;
        cluster_emit e{
            "/admin",
            "order",
            payload({R"({"id":7,"tags":["a","b"],"price":12.5,"ok":true,"none":null})", R"(-3)",
                     R"("text \"quoted\" é")", R"({"_placeholder":true,"num":0})"},
                    {std::string("\x00\x01\xff", 3)}),
            {"ops"},
            {"sid-1"}};
        auto bytes = encode_cluster_emit("node-a", e, parser);
        REQUIRE(bytes);
        auto a = decoded(*bytes);
        CHECK(a.nsp == "/admin");
        CHECK(a.event == "order");
        CHECK(a.to.rooms == std::vector<std::string>{"ops"});
        CHECK(a.to.except == std::vector<std::string>{"sid-1"});
        REQUIRE(a.data.items().size() == 4);
        CHECK(a.data.items()[0] ==
              R"({"id":7,"tags":["a","b"],"price":12.5,"ok":true,"none":null})");
        CHECK(a.data.items()[1] == "-3");
        CHECK(a.data.items()[2] == R"("text \"quoted\" é")");
        CHECK(a.data.items()[3] == R"({"_placeholder":true,"num":0})");
        REQUIRE(a.data.attachments().size() == 1);
        CHECK(a.data.attachments()[0] == std::string("\x00\x01\xff", 3));
    }

    TEST_CASE("a node ignores its own publication and takes the others'") {
        simdjson::dom::parser parser;
        cluster_emit e{"/", "hello", payload({"1"}, {}), {}, {}};
        auto bytes = encode_cluster_emit("node-a", e, parser);
        REQUIRE(bytes);
        auto own = from_emitter_broadcast(*bytes, {}, "node-a");
        CHECK_FALSE(own.act.has_value());
        CHECK_FALSE(own.dropped.has_value());
        CHECK(decoded(*bytes, "node-b").event == "hello");
        CHECK(decoded(*bytes).event == "hello"); // not in a cluster: every message counts
    }

    TEST_CASE("args the decoder would refuse are not published") {
        simdjson::dom::parser parser;
        // Not JSON, and a placeholder naming a missing attachment.
        CHECK_FALSE(encode_cluster_emit("n", {"/", "e", payload({"{nope"}, {}), {}, {}}, parser));
        CHECK_FALSE(encode_cluster_emit(
            "n", {"/", "e", payload({R"({"_placeholder":true,"num":1})"}, {"x"}), {}, {}}, parser));
    }

    TEST_CASE("channels follow the redis-adapter: one room in the name, otherwise the namespace") {
        CHECK(cluster_channel("socket.io", {"/", "e", {}, {}, {}}) == "socket.io#/#");
        CHECK(cluster_channel("socket.io", {"/chat", "e", {}, {"r1"}, {}}) ==
              "socket.io#/chat#r1#");
        CHECK(cluster_channel("k", {"/", "e", {}, {"a", "b"}, {}}) == "k#/#");
        CHECK(classify_channel(cluster_channel("socket.io", {"/", "e", {}, {"r"}, {}}),
                               "socket.io") == channel_kind::broadcast);
    }
}
