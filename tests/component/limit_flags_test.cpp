// A limit set by its command-line flag changes what the server does: the flag is parsed by
// parse_options (as the imedge binary does) and the server started with the result.
#include "fixture.hpp"
#include "test_client.hpp"

#include <doctest.h>

using namespace imedge::testing;
using namespace imedge::server;

TEST_SUITE("component") {

    TEST_CASE("--max-rooms-per-socket 5 refuses the fifth join (the sid room counts)") {
        const char* argv[] = {"imedge", "--max-rooms-per-socket", "5"};
        auto parsed = parse_options(3, argv, test_options(1));
        REQUIRE(std::holds_alternative<server_options>(parsed));
        test_server server(std::get<server_options>(parsed));
        ws_client c(server.port());
        c.connect_namespace();
        for (int i = 1; i <= 4; ++i) {
            c.emit("join", "\"r" + std::to_string(i) + "\"", i);
            CHECK(c.read_until("43" + std::to_string(i)) ==
                  "43" + std::to_string(i) + R"(["joined"])");
        }
        c.emit("join", R"("r5")", 5);
        CHECK(c.read_until("435") == R"(435["refused"])");
        c.emit("join", R"("r1")", 6); // already a member: no new room, not refused
        CHECK(c.read_until("436") == R"(436["joined"])");
        // Another client is not affected by this one being at its cap.
        ws_client other(server.port());
        other.connect_namespace();
        other.emit("join", R"("r5")", 7);
        CHECK(other.read_until("437") == R"(437["joined"])");
    }
}
