// The push API's body parser and validator: each operation, each refusal naming its field,
// the bounds, batches, bearer keys and the API flags.
#include "push/http_api_options.hpp"
#include "push/http_api_request.hpp"

#include <doctest.h>

using namespace imedge::push;

namespace {

struct fixture {
    simdjson::dom::parser parser;
    api_limits limits;

    parsed_body parse(body_kind kind, std::string_view body) {
        return parse_body(kind, body, limits, parser);
    }
    template <class T> T ok(body_kind kind, std::string_view body) {
        auto r = parse(kind, body);
        if (auto* e = std::get_if<api_error>(&r))
            FAIL_CHECK("refused: " << e->message);
        REQUIRE(std::holds_alternative<api_operation>(r));
        REQUIRE(std::holds_alternative<T>(std::get<api_operation>(r)));
        return std::get<T>(std::get<api_operation>(r));
    }
    api_error refused(body_kind kind, std::string_view body) {
        auto r = parse(kind, body);
        REQUIRE(std::holds_alternative<api_error>(r));
        return std::get<api_error>(r);
    }
};

} // namespace

TEST_SUITE("push") {
    TEST_CASE_FIXTURE(fixture, "http api: emit to users, rooms, sids, except; args kept as JSON") {
        auto e = ok<api_emit>(
            body_kind::emit,
            R"({"event":"news","args":[1,"two",{"three":[3]},null],"users":["ann"],)"
            R"("rooms":["r1","r2"],"sids":["s1"],"except":{"rooms":["muted"],"sids":["s2"]},)"
            R"("namespace":"/chat"})");
        CHECK(e.nsp == "/chat");
        CHECK(e.event == "news");
        CHECK(e.args == std::vector<std::string>{"1", "\"two\"", R"({"three":[3]})", "null"});
        CHECK(e.to.users == std::vector<std::string>{"ann"});
        CHECK(e.to.rooms == std::vector<std::string>{"r1", "r2"});
        CHECK(e.to.sids == std::vector<std::string>{"s1"});
        CHECK(e.except.rooms == std::vector<std::string>{"muted"});
        CHECK(e.except.sids == std::vector<std::string>{"s2"});
        auto everyone = ok<api_emit>(body_kind::emit, R"({"event":"all"})");
        CHECK(everyone.nsp == "/");
        CHECK(everyone.to.empty());
        CHECK(everyone.args.empty());
    }

    TEST_CASE_FIXTURE(fixture, "http api: emit refusals name the field") {
        CHECK(refused(body_kind::emit, R"({"args":[]})").message == "event: required");
        for (auto name : {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
                          "removeListener"}) {
            auto e = refused(body_kind::emit, std::string(R"({"event":")") + name + "\"}");
            CHECK(e.status == 400);
            CHECK(e.code == "bad_request");
            CHECK(e.message.starts_with("event: "));
        }
        CHECK(refused(body_kind::emit, R"({"event":""})").message.starts_with("event: must be 1"));
        CHECK(refused(body_kind::emit, R"({"event":7})").message == "event: must be a string");
        CHECK(refused(body_kind::emit, R"({"event":"e","args":{}})").message ==
              "args: must be an array");
        CHECK(refused(body_kind::emit, R"({"event":"e","rooms":"r"})").message ==
              "rooms: must be an array of strings");
        CHECK(refused(body_kind::emit, R"({"event":"e","rooms":[]})")
                  .message.starts_with("rooms: must hold 1 to"));
        CHECK(refused(body_kind::emit, R"({"event":"e","rooms":["a",2]})").message ==
              "rooms[1]: must be a string");
        CHECK(refused(body_kind::emit, R"({"event":"e","users":["a:b"]})").message ==
              "users: user 'a:b' contains ':'");
        CHECK(refused(body_kind::emit, R"({"event":"e","except":{"rooms":[1]}})").message ==
              "except.rooms[0]: must be a string");
        CHECK(refused(body_kind::emit, R"({"event":"e","except":{"room":"x"}})").message ==
              "except.room: unknown field");
        CHECK(refused(body_kind::emit, R"({"event":"e","except":[]})").message ==
              "except: must be an object");
        CHECK(refused(body_kind::emit, R"({"event":"e","room":"x"})").message ==
              "room: unknown field");
        CHECK(refused(body_kind::emit, R"({"event":"e","namespace":"chat"})").message ==
              "namespace: must start with '/'");
        CHECK(refused(body_kind::emit, R"({"event":"e","op":"join"})").message ==
              "op: does not match the route");
    }

    TEST_CASE_FIXTURE(fixture, "http api: bodies that are not objects, and the bounds") {
        CHECK(refused(body_kind::emit, "").message == "the body is not JSON");
        CHECK(refused(body_kind::emit, "{\"event\":").message == "the body is not JSON");
        CHECK(refused(body_kind::emit, "[1]").message == "the body must be a JSON object");
        limits.max_body = 16;
        auto big = refused(body_kind::emit, R"({"event":"ee","args":[1,2,3]})");
        CHECK(big.status == 413);
        CHECK(big.code == "payload_too_large");
        limits = {};
        limits.max_args = 2;
        CHECK(refused(body_kind::emit, R"({"event":"e","args":[1,2,3]})").message ==
              "args: must hold at most 2 values");
        limits.max_list = 2;
        CHECK(refused(body_kind::emit, R"({"event":"e","sids":["a","b","c"]})").message ==
              "sids: must hold 1 to 2 entries");
        limits.max_name = 3;
        CHECK(refused(body_kind::emit, R"({"event":"long"})").message ==
              "event: must be 1 to 3 bytes");
    }

    TEST_CASE_FIXTURE(fixture, "http api: join, leave, disconnect") {
        auto j = ok<api_rooms>(body_kind::join, R"({"users":["ann"],"sids":["s"],"room":"r"})");
        CHECK(j.change == room_change::join);
        CHECK(j.rooms == std::vector<std::string>{"r"});
        CHECK(j.who.users == std::vector<std::string>{"ann"});
        auto l = ok<api_rooms>(body_kind::leave, R"({"sids":["s"],"rooms":["a","b"]})");
        CHECK(l.change == room_change::leave);
        CHECK(l.rooms.size() == 2);
        CHECK(refused(body_kind::join, R"({"users":["ann"]})").message ==
              "rooms: required (or room)");
        CHECK(refused(body_kind::join, R"({"room":"r"})").message == "users: required (or sids)");
        CHECK(
            refused(body_kind::join, R"({"room":"r","rooms":["x"],"users":["a"],"x":1})").message ==
            "x: unknown field");
        CHECK(refused(body_kind::leave, R"({"rooms":["r"],"users":["a"],"except":{}})").message ==
              "except: unknown field");
        auto d = ok<api_disconnect>(body_kind::disconnect, R"({"users":["ann","ben"]})");
        CHECK(d.who.users.size() == 2);
        CHECK(refused(body_kind::disconnect, R"({})").message == "users: required (or sids)");
        CHECK(refused(body_kind::disconnect, R"({"rooms":["r"]})").message ==
              "rooms: unknown field");
    }

    TEST_CASE_FIXTURE(fixture, "http api: a message is stored as a system sender") {
        auto m = ok<api_message>(body_kind::message,
                                 R"({"conversation":"g:1","body":{"text":"hi"},"client_id":"c1"})");
        CHECK(m.conversation == "g:1");
        CHECK(m.body == R"({"text":"hi"})");
        CHECK(m.client_id == "c1");
        CHECK(m.sender == "system:api");
        CHECK(ok<api_message>(body_kind::message,
                              R"({"conversation":"d:a:b","body":1,"from":"billing"})")
                  .sender == "system:billing");
        CHECK(refused(body_kind::message, R"({"body":1})").message == "conversation: required");
        CHECK(refused(body_kind::message, R"({"conversation":"g:1"})").message == "body: required");
        CHECK(refused(body_kind::message, R"({"conversation":"g:1","body":1,"from":"a b"})")
                  .message.starts_with("from: "));
        CHECK(refused(body_kind::message, R"({"conversation":"g:1","body":1,"client_id":3})")
                  .message.starts_with("client_id: "));
    }

    TEST_CASE_FIXTURE(fixture, "http api: a batch is validated whole, naming the operation") {
        auto r = parse(body_kind::batch,
                       R"({"operations":[{"op":"emit","event":"e"},{"op":"join","sids":["s"],)"
                       R"("room":"r"},{"op":"message","conversation":"g:1","body":1}]})");
        REQUIRE(std::holds_alternative<api_batch>(r));
        const auto& ops = std::get<api_batch>(r).operations;
        REQUIRE(ops.size() == 3);
        CHECK(std::holds_alternative<api_emit>(ops[0]));
        CHECK(std::holds_alternative<api_rooms>(ops[1]));
        CHECK(std::holds_alternative<api_message>(ops[2]));

        CHECK(refused(body_kind::batch, R"({"operations":[{"op":"emit","event":"e"},)"
                                        R"({"op":"emit","event":"connect"}]})")
                  .message == "operations[1].event: 'connect' is reserved by Socket.IO");
        CHECK(refused(body_kind::batch, R"({"operations":[{"event":"e"}]})").message ==
              "operations[0].op: required");
        CHECK(refused(body_kind::batch, R"({"operations":[{"op":"fly"}]})").message ==
              "operations[0].op: must be emit, join, leave, disconnect or message");
        CHECK(refused(body_kind::batch, R"({"operations":[3]})").message ==
              "operations[0]: must be an object");
        CHECK(refused(body_kind::batch, R"({"operations":[]})")
                  .message.starts_with("operations: must hold 1 to"));
        CHECK(refused(body_kind::batch, R"({"ops":[]})").message == "ops: unknown field");
        CHECK(refused(body_kind::batch,
                      R"({"operations":[{"op":"message","conversation":"a","body":1},)"
                      R"({"op":"message","conversation":"b","body":2}]})")
                  .message == "operations[1].op: a batch holds at most one message operation");
        limits.max_batch = 1;
        CHECK(refused(body_kind::batch, R"({"operations":[{"op":"emit","event":"a"},)"
                                        R"({"op":"emit","event":"b"}]})")
                  .message == "operations: must hold 1 to 1 operations");
    }

    TEST_CASE("http api: bearer keys") {
        std::vector<std::string> keys{"k-one", "second-key"};
        CHECK(authorized("Bearer k-one", keys));
        CHECK(authorized("Bearer second-key", keys));
        CHECK_FALSE(authorized("Bearer k-on", keys));
        CHECK_FALSE(authorized("Bearer k-one2", keys));
        CHECK_FALSE(authorized("bearer k-one", keys));
        CHECK_FALSE(authorized("Basic k-one", keys));
        CHECK_FALSE(authorized("Bearer ", keys));
        CHECK_FALSE(authorized("", keys));
        CHECK_FALSE(authorized("Bearer k-one", {}));
    }

    TEST_CASE("http api: error bodies") {
        CHECK(error_body({400, "bad_request", "event: \"x\" is bad"}) ==
              R"({"error":{"code":"bad_request","message":"event: \"x\" is bad"}})");
    }

    TEST_CASE("http api: flags") {
        std::vector<std::string> args{"imedge", "--api-key",      "a",  "--port", "0", "--api-key",
                                      "b",      "--api-max-body", "100"};
        api_options o;
        CHECK_FALSE(take_api_options(args, o));
        CHECK(args == std::vector<std::string>{"imedge", "--port", "0"});
        CHECK(o.keys == std::vector<std::string>{"a", "b"});
        CHECK(o.limits.max_body == 100);
        std::vector<std::string> empty_key{"imedge", "--api-key", ""};
        CHECK(take_api_options(empty_key, o));
        std::vector<std::string> missing{"imedge", "--api-key"};
        CHECK(take_api_options(missing, o));
        std::vector<std::string> bad{"imedge", "--api-idempotency-keys", "0"};
        CHECK(take_api_options(bad, o));
    }
}
