// Which cross-shard messages the mesh may drop under overload, and what each weighs.
#include "rooms/shard_message.hpp"

#include <doctest.h>

namespace rooms = imedge::rooms;

TEST_SUITE("rooms") {

    TEST_CASE(
        "shard_message: broadcasts and adapter replies may be dropped, forwarded HTTP may not") {
        CHECK(rooms::delivery_of(rooms::adapter_message{rooms::broadcast{}}) ==
              rooms::delivery::droppable);
        CHECK(rooms::delivery_of(rooms::reply{1, rooms::rooms_reply{}}) ==
              rooms::delivery::droppable);
        // A fetch-all request and its reply: a lost one is answered by the asker's deadline.
        CHECK(rooms::delivery_of(rooms::adapter_message{rooms::sids_request{}}) ==
              rooms::delivery::droppable);
        CHECK(rooms::delivery_of(rooms::reply{1, rooms::sids_reply{0, {"a", "b"}, 2}}) ==
              rooms::delivery::droppable);
        CHECK(rooms::approximate_bytes(rooms::reply{1, rooms::sids_reply{0, {"abc"}, 1}}) >
              rooms::approximate_bytes(rooms::reply{1, rooms::sids_reply{}}));
        // A join a handler was told about, a descriptor changing hands: state someone relies on.
        CHECK(rooms::delivery_of(rooms::adapter_message{rooms::room_change{}}) ==
              rooms::delivery::required);
        CHECK(rooms::delivery_of(rooms::adopt_connection{-1, {}}) == rooms::delivery::required);
        // A forwarded request holds a POST's packets; its response a GET's, already taken from
        // the session's queue: neither may be lost.
        CHECK(rooms::delivery_of(rooms::forwarded_request{
                  {0, 1}, "GET / HTTP/1.1\r\n\r\n", "", ""}) == rooms::delivery::required);
        CHECK(rooms::delivery_of(
                  rooms::reply{1, rooms::forwarded_response{"HTTP/1.1 200 OK", true}}) ==
              rooms::delivery::required);
    }

    TEST_CASE("shard_message: a forwarded request and its response weigh what they carry") {
        std::string body(10000, 'x');
        auto request = rooms::approximate_bytes(rooms::forwarded_request{{0, 1}, body, "", ""});
        auto response =
            rooms::approximate_bytes(rooms::reply{1, rooms::forwarded_response{body, true}});
        CHECK(request >= body.size());
        CHECK(response >= body.size());
        CHECK(request < body.size() + 1024);
    }
}
