// Which event names the server may emit (issue 8 item 5).
#include "protocol/socketio/event_name.hpp"

#include <doctest.h>

#include <string>

namespace sio = imedge::protocol::socketio;
using imedge::protocol::errc;

TEST_SUITE("protocol") {

    TEST_CASE("socketio event names: reserved and empty names may not be emitted") {
        for (std::string_view name : {"connect", "connect_error", "disconnect", "disconnecting",
                                      "newListener", "removeListener", ""}) {
            CAPTURE(name);
            CHECK_FALSE(sio::may_emit_event(name));
            auto r = sio::check_event_name(name);
            REQUIRE(r.has_error());
            CHECK(r.error() == errc::bad_event_name);
        }
    }

    TEST_CASE("socketio event names: everything else may, including near misses") {
        for (std::string_view name :
             {"message", "Connect", "connection", "disconnect ", " connect", "newlistener", "error",
              "connect_error2", "x", "\xc3\xa9v\xc3\xa9nement"}) {
            CAPTURE(name);
            CHECK(sio::may_emit_event(name));
            CHECK_FALSE(sio::check_event_name(name).has_error());
            CHECK_FALSE(sio::is_reserved_event(name));
        }
        // a NUL inside is still a name, and not "connect"
        CHECK(sio::may_emit_event(std::string("connect\0", 8)));
    }
}
