// What a cluster node publishes for a room change or disconnect: the redis-adapter's requests,
// read back by the decoder that reads @socket.io/redis-emitter's requests on the other nodes.
#include "push/cluster_request.hpp"
#include "push/emitter_message.hpp"

#include <doctest.h>

using namespace imedge::push;

namespace {

using strings = std::vector<std::string>;

template <class T> T decoded(const std::string& channel, const std::string& json) {
    REQUIRE(classify_channel(channel, "socket.io") == channel_kind::request);
    auto out =
        from_emitter_request(request_namespace(channel, "socket.io"), json, 1 << 20, "node-b");
    REQUIRE_FALSE(out.dropped.has_value());
    REQUIRE(out.act.has_value());
    REQUIRE(std::holds_alternative<T>(*out.act));
    return std::get<T>(*out.act);
}

} // namespace

TEST_SUITE("push") {
    TEST_CASE("cluster request: a join is the redis-adapter's REMOTE_JOIN, and reads back") {
        cluster_request r{"/admin", cluster_request_kind::join, {"sid1"}, {"r0"}, {"r1", "r2"}};
        auto json = encode_cluster_request("node-a", r);
        CHECK(json == R"({"uid":"node-a","type":2,"opts":{"rooms":["sid1"],"except":["r0"]},)"
                      R"("rooms":["r1","r2"]})");
        auto channel = cluster_request_channel("socket.io", "/admin");
        CHECK(channel == "socket.io-request#/admin#");
        auto j = decoded<join_action>(channel, json);
        CHECK(j.nsp == "/admin");
        CHECK(j.who.rooms == strings{"sid1"});
        CHECK(j.who.except == strings{"r0"});
        CHECK(j.rooms == strings{"r1", "r2"});
    }

    TEST_CASE("cluster request: a leave is REMOTE_LEAVE") {
        cluster_request r{"/", cluster_request_kind::leave, {"sid1"}, {}, {"r1"}};
        auto json = encode_cluster_request("node-a", r);
        CHECK(json ==
              R"({"uid":"node-a","type":3,"opts":{"rooms":["sid1"],"except":[]},"rooms":["r1"]})");
        auto l = decoded<leave_action>(cluster_request_channel("socket.io", "/"), json);
        CHECK(l.nsp == "/");
        CHECK(l.who.rooms == strings{"sid1"});
        CHECK(l.who.except.empty());
        CHECK(l.rooms == strings{"r1"});
    }

    TEST_CASE("cluster request: a disconnect is REMOTE_DISCONNECT of the namespace only") {
        cluster_request r{"/", cluster_request_kind::disconnect, {"sid1", "room"}, {"x"}, {}};
        auto json = encode_cluster_request("node-a", r);
        CHECK(json == R"({"uid":"node-a","type":4,"opts":{"rooms":["sid1","room"],)"
                      R"("except":["x"]},"close":false})");
        auto d = decoded<disconnect_action>(cluster_request_channel("socket.io", "/"), json);
        CHECK(d.who.rooms == strings{"sid1", "room"});
        CHECK(d.who.except == strings{"x"});
    }

    TEST_CASE("cluster request: names that need JSON escapes come back as they were") {
        std::string odd = "q\"uo\\te\n\x01 caf\xc3\xa9 #";
        cluster_request r{"/n\"s", cluster_request_kind::join, {odd}, {odd}, {odd}};
        auto json = encode_cluster_request("u\"id", r);
        auto j = decoded<join_action>(cluster_request_channel("socket.io", "/n\"s"), json);
        CHECK(j.nsp == "/n\"s");
        CHECK(j.who.rooms == strings{odd});
        CHECK(j.who.except == strings{odd});
        CHECK(j.rooms == strings{odd});
    }

    TEST_CASE("cluster request: a node ignores its own requests, not another node's or the "
              "emitter's") {
        cluster_request r{"/", cluster_request_kind::join, {"sid1"}, {}, {"r1"}};
        auto own =
            from_emitter_request("/", encode_cluster_request("node-b", r), 1 << 20, "node-b");
        CHECK_FALSE(own.act.has_value());
        CHECK_FALSE(own.dropped.has_value());
        auto other =
            from_emitter_request("/", encode_cluster_request("node-a", r), 1 << 20, "node-b");
        CHECK(other.act.has_value());
        // Not in a cluster (no uid of its own): every request applies, its own format included.
        CHECK(from_emitter_request("/", encode_cluster_request("node-b", r)).act.has_value());
        // The emitter's requests carry no uid.
        auto emitter = from_emitter_request(
            "/", R"({"type":2,"opts":{"rooms":["sid1"],"except":[]},"rooms":["r1"]})", 1 << 20,
            "node-b");
        CHECK(emitter.act.has_value());
        // A uid that is not a string is no uid: the request applies.
        auto odd =
            from_emitter_request("/", R"({"uid":7,"type":4,"opts":{"rooms":["s"]}})", 1 << 20, "7");
        CHECK(odd.act.has_value());
    }
}
