// Unit tests for push/: python-socketio's and the redis-emitter's real messages (fixtures
// captured from the real publishers by the gen_* scripts beside this file) mapped to actions,
// then hostile input: every truncation, byte flips, bounds, wrong types. Also URLs, channels.
#include "push/amqp_url.hpp"
#include "push/emitter_message.hpp"
#include "push/msgpack_tree.hpp"
#include "push/pickle_message.hpp"
#include "push/push_options.hpp"
#include "push/redis_url.hpp"

#include <doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace imedge::push;

struct pickle_fixture {
    std::string_view name;
    std::string_view bytes;
};
const pickle_fixture pickle_fixtures[] = {
#include "pickle_fixtures.inc"
};

struct emitter_fixture {
    std::string_view name;
    std::string_view channel;
    std::string_view bytes;
};
const emitter_fixture emitter_fixtures[] = {
#include "emitter_fixtures.inc"
};

std::string_view pickled(std::string_view name) {
    for (const auto& f : pickle_fixtures)
        if (f.name == name)
            return f.bytes;
    FAIL("no fixture " << name);
    return {};
}

const emitter_fixture& emitted(std::string_view name) {
    for (const auto& f : emitter_fixtures)
        if (f.name == name)
            return f;
    FAIL("no fixture " << name);
    return emitter_fixtures[0];
}

template <class T> T expect_action(const outcome& o) {
    REQUIRE_FALSE(o.dropped.has_value());
    REQUIRE(o.act.has_value());
    REQUIRE(std::holds_alternative<T>(*o.act));
    return std::get<T>(*o.act);
}

drop_reason expect_drop(const outcome& o) {
    REQUIRE(o.dropped.has_value());
    CHECK_FALSE(o.act.has_value());
    return *o.dropped;
}

using strings = std::vector<std::string>;

outcome from_emitter(const emitter_fixture& f) {
    if (classify_channel(f.channel, "socket.io") == channel_kind::request)
        return from_emitter_request(request_namespace(f.channel, "socket.io"), f.bytes);
    return from_emitter_broadcast(f.bytes);
}

} // namespace

TEST_SUITE("push") {
    TEST_CASE("python RedisManager emit: args as python-socketio's server sends them") {
        auto e = expect_action<emit_action>(from_pickle(pickled("emit_dict_room")));
        CHECK(e.nsp == "/");
        CHECK(e.event == "notify");
        CHECK(e.to.rooms == strings{"42"});
        CHECK(e.to.except.empty());
        CHECK(e.data.items() == strings{R"({"text":"hi","n":7,"f":1.5,"ok":true,"none":null})"});

        e = expect_action<emit_action>(from_pickle(pickled("emit_tuple_args")));
        CHECK(e.data.items() == strings{R"("a")", "2", R"([3,{"k":"v"}])", "2.0"});

        e = expect_action<emit_action>(from_pickle(pickled("emit_none_data")));
        CHECK(e.data.items().empty());
        CHECK(e.to.rooms.empty()); // room=None: everyone in the namespace

        e = expect_action<emit_action>(from_pickle(pickled("emit_binary")));
        CHECK(e.data.items() == strings{R"({"_placeholder":true,"num":0})",
                                        R"({"inner":[{"_placeholder":true,"num":1}]})"});
        CHECK(e.data.attachments() == strings{std::string("\x00\xff", 2), "abc"});

        e = expect_action<emit_action>(from_pickle(pickled("emit_skip_ns")));
        CHECK(e.nsp == "/admin");
        CHECK(e.to.rooms == strings{"a", "b"});
        CHECK(e.to.except == strings{"sid1"});

        e = expect_action<emit_action>(from_pickle(pickled("emit_shared_ref")));
        CHECK(e.data.items() == strings{R"({"a":1})", R"({"a":1})"});

        e = expect_action<emit_action>(from_pickle(pickled("emit_int_keys")));
        // True == 1 in Python: the True key overwrote the 1 key before pickling
        CHECK(e.data.items() == strings{R"({"1":"t","null":"n"})"});
    }

    TEST_CASE("python RedisManager disconnect and close_room") {
        auto d = expect_action<disconnect_action>(from_pickle(pickled("disconnect")));
        CHECK(d.nsp == "/admin");
        CHECK(d.who.rooms == strings{"sid9"});
        auto l = expect_action<leave_action>(from_pickle(pickled("close_room")));
        CHECK(l.nsp == "/");
        CHECK(l.who.rooms == strings{"room7"});
        CHECK(l.rooms == strings{"room7"});
        auto c = from_pickle(pickled("callback")); // meant for the python server that asked
        CHECK_FALSE(c.act.has_value());
        CHECK_FALSE(c.dropped.has_value());
    }

    TEST_CASE("python messages refused with their reason") {
        CHECK(expect_drop(from_pickle(pickled("global_reduce"))) == drop_reason::bad_pickle);
        CHECK(expect_drop(from_pickle(pickled("unknown_method"))) == drop_reason::unknown_method);
        CHECK(expect_drop(from_pickle(pickled("event_not_str"))) == drop_reason::wrong_type);
        CHECK(expect_drop(from_pickle(pickled("nan"))) == drop_reason::non_finite_number);
        CHECK(expect_drop(from_pickle("")) == drop_reason::bad_pickle);
        imedge::protocol::pickle::limits small;
        small.max_input = 16;
        CHECK(expect_drop(from_pickle(pickled("emit_dict_room"), small)) == drop_reason::too_large);
    }

    TEST_CASE("every truncation of every pickle fixture is dropped, never accepted") {
        for (const auto& f : pickle_fixtures)
            for (std::size_t n = 0; n < f.bytes.size(); ++n) {
                CAPTURE(f.name);
                CAPTURE(n);
                CHECK(from_pickle(f.bytes.substr(0, n)).dropped.has_value());
            }
    }

    TEST_CASE("redis-emitter broadcasts") {
        auto e = expect_action<emit_action>(from_emitter(emitted("emit_all")));
        CHECK(e.nsp == "/");
        CHECK(e.event == "hello");
        CHECK(e.to.rooms.empty());
        CHECK(e.data.items() ==
              strings{R"("world")", "42", "-7", "1.5", "true", "null", R"({"a":[1,2]})"});

        e = expect_action<emit_action>(from_emitter(emitted("emit_room")));
        CHECK(e.to.rooms == strings{"r1"});
        CHECK(emitted("emit_room").channel == "socket.io#/#r1#");
        CHECK(classify_channel(emitted("emit_room").channel, "socket.io") ==
              channel_kind::broadcast);

        e = expect_action<emit_action>(from_emitter(emitted("emit_rooms_except")));
        CHECK(e.to.rooms == strings{"r1", "r2"});
        CHECK(e.to.except == strings{"vip"});

        e = expect_action<emit_action>(from_emitter(emitted("emit_binary")));
        CHECK(e.data.items() == strings{R"({"_placeholder":true,"num":0})",
                                        R"({"nested":{"_placeholder":true,"num":1}})"});
        CHECK(e.data.attachments() == strings{std::string("\x00\x01\xff", 3), "abc"});

        e = expect_action<emit_action>(from_emitter(emitted("emit_nsp_volatile")));
        CHECK(e.nsp == "/admin");

        e = expect_action<emit_action>(from_emitter(emitted("emit_big_ints")));
        CHECK(e.data.items() ==
              strings{"4294967296", "-4294967296", "255", "65536", "\"\xc3\xa9\""});

        e = expect_action<emit_action>(from_emitter(emitted("emit_undefined")));
        CHECK(e.data.items() == strings{"null", "[null]"});
    }

    TEST_CASE("redis-emitter requests") {
        CHECK(classify_channel(emitted("join").channel, "socket.io") == channel_kind::request);
        auto j = expect_action<join_action>(from_emitter(emitted("join")));
        CHECK(j.nsp == "/");
        CHECK(j.who.rooms == strings{"r1"});
        CHECK(j.who.except == strings{"r2"});
        CHECK(j.rooms == strings{"a", "b"});
        auto l = expect_action<leave_action>(from_emitter(emitted("leave")));
        CHECK(l.rooms == strings{"a"});
        auto d = expect_action<disconnect_action>(from_emitter(emitted("disconnect")));
        CHECK(d.nsp == "/admin");
        CHECK(d.who.rooms == strings{"r1"});
        CHECK(expect_drop(from_emitter(emitted("server_side_emit"))) ==
              drop_reason::unsupported_request);
        CHECK(expect_drop(from_emitter_request("/", "{")) == drop_reason::bad_json);
        CHECK(expect_drop(from_emitter_request("/", "[]")) == drop_reason::wrong_type);
        CHECK(expect_drop(from_emitter_request("/", R"({"type":2})")) ==
              drop_reason::missing_field);
        CHECK(expect_drop(from_emitter_request("/", R"({"type":2,"rooms":[1]})")) ==
              drop_reason::wrong_type);
        CHECK(expect_drop(from_emitter_request("/", R"({"type":0,"requestId":"x"})")) ==
              drop_reason::unsupported_request);
    }

    TEST_CASE("every truncation and random corruption of emitter messages is survived") {
        std::mt19937 rng(7);
        for (const auto& f : emitter_fixtures) {
            CAPTURE(f.name);
            for (std::size_t n = 0; n < f.bytes.size(); ++n)
                CHECK(from_emitter({f.name, f.channel, f.bytes.substr(0, n)}).dropped.has_value());
            for (int round = 0; round < 200; ++round) {
                std::string b(f.bytes);
                b[rng() % b.size()] = static_cast<char>(rng());
                auto o = from_emitter({f.name, f.channel, b});
                CHECK(o.act.has_value() != o.dropped.has_value());
            }
        }
    }

    TEST_CASE("msgpack bounds") {
        using namespace std::string_literals;
        auto reason = [](std::string_view b, msgpack::limits l = {}) {
            auto d = msgpack::decode(b, l);
            REQUIRE(std::holds_alternative<drop_reason>(d));
            return std::get<drop_reason>(d);
        };
        CHECK(reason("\xc1") == drop_reason::bad_msgpack);                 // never used
        CHECK(reason("\xdd\xff\xff\xff\xff") == drop_reason::bad_msgpack); // count past input
        CHECK(reason("\xdb\x00\x00\x00\x09"
                     "abc"s) == drop_reason::bad_msgpack);
        CHECK(reason("\x91\x91\x91\xc0", {1 << 20, 100, 2}) == drop_reason::too_large);
        CHECK(reason("\x93\xc0\xc0\xc0", {1 << 20, 3, 32}) == drop_reason::too_large);
        CHECK(reason("\xc0\xc0") == drop_reason::bad_msgpack);     // trailing bytes
        CHECK(reason("\xd4\x05\x00") == drop_reason::bad_msgpack); // foreign ext
        CHECK(reason("\xc0", {0, 10, 10}) == drop_reason::too_large);
        auto d = msgpack::decode("\x82\xa1k\x90\xa1m\x80"s);
        REQUIRE(std::holds_alternative<msgpack::document>(d));
        const auto& doc = std::get<msgpack::document>(d);
        REQUIRE(doc.find(doc.root(), "k") != nullptr);
        CHECK(doc.find(doc.root(), "k")->type == msgpack::kind::array);
        CHECK(doc.find(doc.root(), "m")->type == msgpack::kind::map);
        CHECK(doc.find(doc.root(), "x") == nullptr);
    }

    TEST_CASE("emitter shapes outside the subset are dropped") {
        using namespace std::string_literals;
        // [uid, {type: 3 (ACK)}, {}]
        CHECK(expect_drop(from_emitter_broadcast("\x93\xa1u\x82\xa4type\x03\xa4"
                                                 "data\x91\xa1x\x80"s)) ==
              drop_reason::unsupported_request);
        // data[0] not a str
        CHECK(expect_drop(from_emitter_broadcast("\x93\xa1u\x82\xa4type\x02\xa4"
                                                 "data\x91\x01\x80"s)) == drop_reason::wrong_type);
        // a reserved event
        CHECK(expect_drop(from_emitter_broadcast("\x93\xa1u\x82\xa4type\x02\xa4"
                                                 "data\x91\xa7"
                                                 "connect\x80"s)) == drop_reason::reserved_event);
        // a map key that is not a str
        CHECK(expect_drop(from_emitter_broadcast("\x93\xa1u\x82\xa4type\x02\xa4"
                                                 "data\x92\xa1x\x81\x01\x01\x80"s)) ==
              drop_reason::wrong_type);
        // rooms not strings
        CHECK(expect_drop(from_emitter_broadcast("\x93\xa1u\x82\xa4type\x02\xa4"
                                                 "data\x91\xa1x\x81\xa5rooms\x91\x01"s)) ==
              drop_reason::wrong_type);
    }

    TEST_CASE("channels and patterns") {
        CHECK(classify_channel("socket.io#/#", "socket.io") == channel_kind::broadcast);
        CHECK(classify_channel("socket.io#/chat#room#", "socket.io") == channel_kind::broadcast);
        CHECK(classify_channel("socket.io-request#/#", "socket.io") == channel_kind::request);
        CHECK(request_namespace("socket.io-request#/chat#", "socket.io") == "/chat");
        CHECK(classify_channel("socket.io-response#/#", "socket.io") == channel_kind::other);
        CHECK(classify_channel("socket.io#", "socket.io") == channel_kind::other);
        CHECK(classify_channel("other#/#", "socket.io") == channel_kind::other);
        CHECK(broadcast_pattern("socket.io") == "socket.io#*");
        CHECK(request_pattern("a*b") == "a\\*b-request#*");
    }

    TEST_CASE("redis URLs") {
        auto ok = [](std::string_view u) {
            auto r = parse_redis_url(u);
            REQUIRE(std::holds_alternative<redis_endpoint>(r));
            return std::get<redis_endpoint>(r);
        };
        auto e = ok("redis://127.0.0.1:6380");
        CHECK(e.host == "127.0.0.1");
        CHECK(e.port == 6380);
        CHECK(e.password.empty());
        e = ok("redis://:s%40cret@cache.local/2");
        CHECK(e.host == "cache.local");
        CHECK(e.port == 6379);
        CHECK(e.password == "s@cret");
        CHECK(e.db == 2);
        CHECK(describe(e) == "redis://***@cache.local:6379/2");
        e = ok("redis://alice:pw@[::1]:7000");
        CHECK(e.user == "alice");
        CHECK(e.host == "::1");
        CHECK(e.port == 7000);
        CHECK(ok("redis://pw@h").password == "pw");
        CHECK(ok("redis://").host == "127.0.0.1"); // redis-py: the local default
        for (auto bad : {"http://h", "redis://h:0", "redis://h:99999", "redis://h/x",
                         "redis://%zz@h", "redis://[::1"})
            CHECK(std::holds_alternative<std::string>(parse_redis_url(bad)));
    }

    TEST_CASE("push flags are taken out of argv") {
        const char* argv[] = {"prog",        "--port",          "0", "--redis",
                              "redis://h:1", "--redis-key",     "k", "--shards",
                              "2",           "--redis-channel", "ch"};
        auto r = take_push_options(11, const_cast<char**>(argv));
        REQUIRE(std::holds_alternative<split_args>(r));
        auto& s = std::get<split_args>(r);
        CHECK(s.push.redis->port == 1);
        CHECK(s.push.redis_key == "k");
        CHECK(s.push.redis_channel == "ch");
        REQUIRE(s.rest.size() == 6);
        CHECK(std::string_view(s.rest[1]) == "--port");
        CHECK(std::string_view(s.rest[4]) == "2");
        CHECK(s.rest[5] == nullptr);
        const char* bad[] = {"prog", "--redis"};
        CHECK(std::holds_alternative<std::string>(take_push_options(2, const_cast<char**>(bad))));
    }
    TEST_CASE("push_usage lists every flag take_push_options takes (imedge --help prints it)") {
        auto usage = push_usage();
        // Each flag with a valid value: taken out of argv, and named in the usage text.
        std::vector<std::vector<const char*>> flags = {
            {"--redis", "redis://h:1"}, {"--redis-channel", "c"}, {"--redis-key", "k"},
            {"--amqp", "amqp://mq"},    {"--amqp-exchange", "x"}, {"--push-max-message", "9"},
            {"--node-id", "n"}};
        for (const auto& flag : flags) {
            CAPTURE(flag[0]);
            CHECK(usage.find(std::string(flag[0]) + " ") != std::string::npos);
            std::vector<const char*> argv = {"prog"};
            argv.insert(argv.end(), flag.begin(), flag.end());
            auto r =
                take_push_options(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
            REQUIRE(std::holds_alternative<split_args>(r));
            CHECK(std::get<split_args>(r).rest.size() == 2); // prog and the closing nullptr
        }
        CHECK(usage.find("--cluster ") != std::string::npos);
        const char* cluster[] = {"prog", "--cluster", "--redis", "redis://h:1"};
        auto r = take_push_options(4, const_cast<char**>(cluster));
        REQUIRE(std::holds_alternative<split_args>(r));
        CHECK(std::get<split_args>(r).push.cluster);
        CHECK(std::get<split_args>(r).rest.size() == 2);
    }
    TEST_CASE("--advertise takes IP:PORT, and only on a cluster node") {
        auto parse = [](std::vector<const char*> argv) {
            argv.insert(argv.begin(), "prog");
            return take_push_options(static_cast<int>(argv.size()),
                                     const_cast<char**>(argv.data()));
        };
        CHECK(push_usage().find("--advertise ") != std::string::npos);
        for (auto good : {"10.0.0.5:3000", "127.0.0.1:1", "[::1]:3000"}) {
            CAPTURE(good);
            auto r = parse({"--cluster", "--redis", "redis://h:1", "--advertise", good});
            REQUIRE(std::holds_alternative<split_args>(r));
            CHECK(std::get<split_args>(r).push.advertise == good);
        }
        for (auto bad :
             {"host:3000", "10.0.0.5", "10.0.0.5:0", "10.0.0.5:x", ":3000", "10.0.0.5:70000"}) {
            CAPTURE(bad);
            CHECK(std::holds_alternative<std::string>(
                parse({"--cluster", "--redis", "redis://h:1", "--advertise", bad})));
        }
        auto alone = parse({"--redis", "redis://h:1", "--advertise", "10.0.0.5:3000"});
        REQUIRE(std::holds_alternative<std::string>(alone));
        CHECK(std::get<std::string>(alone).find("--cluster") != std::string::npos);
    }
    TEST_CASE("amqp URLs (kombu's forms)") {
        auto ok = [](std::string_view u) {
            auto r = parse_amqp_url(u);
            REQUIRE(std::holds_alternative<amqp_endpoint>(r));
            return std::get<amqp_endpoint>(r);
        };
        auto e = ok("amqp://guest:guest@localhost:5672//");
        CHECK(e.host == "localhost");
        CHECK(e.port == 5672);
        CHECK(e.user == "guest");
        CHECK(e.password == "guest");
        CHECK(e.vhost == "/");
        e = ok("amqp://bob:p%2Fw@mq/prod");
        CHECK(e.password == "p/w");
        CHECK(e.vhost == "prod");
        CHECK(e.port == 5672);
        CHECK(describe(e) == "amqp://bob@mq:5672/prod");
        CHECK(ok("amqp://h").vhost == "/");
        CHECK(ok("amqp://h").user == "guest");
        for (auto bad : {"redis://h", "amqp://h:0", "amqp://h:70000", "amqp://%g@h", "amqp://:1"})
            CHECK(std::holds_alternative<std::string>(parse_amqp_url(bad)));
    }
}
