// A join refused by max_rooms_per_socket on another shard (server.enter_room from a handler on
// shard A for a socket of shard B) is counted by B in refused_joins, and B's rooms stay at the cap.
#include "fixture.hpp"
#include "test_client.hpp"
#include "wait.hpp"

#include <doctest.h>

#include <memory>

using namespace imedge::testing;
using namespace imedge::server;

TEST_SUITE("component") {

    TEST_CASE("a cross-shard join past the rooms cap is refused on the owner shard and counted") {
        auto o = test_options(2);
        o.limits.max_rooms_per_socket = 3; // the sid room and two more
        test_server server(o);
        // Two clients on different shards (the kernel spreads connections over the shards).
        std::vector<std::unique_ptr<ws_client>> clients;
        ws_client* caller = nullptr;
        ws_client* target = nullptr;
        for (int i = 0; i < 64 && !target; ++i) {
            clients.push_back(std::make_unique<ws_client>(server.port()));
            clients.back()->connect_namespace();
            if (!caller)
                caller = clients.back().get();
            else if (shard_of(clients.back()->sid()) != shard_of(caller->sid()))
                target = clients.back().get();
        }
        REQUIRE(target);
        auto target_shard = shard_of(target->sid());
        auto caller_shard = shard_of(caller->sid());
        const auto& sid = target->sid();

        for (int i = 1; i <= 3; ++i) {
            caller->emit("put", "\"" + sid + "\",\"r" + std::to_string(i) + "\"", i);
            // The caller is answered "put" (true) for all three: the join is a one-way message.
            CHECK(caller->read_until("43" + std::to_string(i)) ==
                  "43" + std::to_string(i) + R"(["put"])");
        }
        CHECK(
            eventually([&] { return server.running().counters(target_shard).refused_joins == 1; }));
        CHECK(server.running().counters(caller_shard).refused_joins == 0);
        // The target holds the sid room and r1, r2 only (the fetch follows the joins on the
        // same ordered ring, so it sees all three handled).
        caller->emit("rooms-of", "\"" + sid + "\"", 4);
        CHECK(caller->read_until("434") == "434[[\"" + sid + R"(","r1","r2"]])");
        // The target keeps working, and its own join past the cap is refused with an answer.
        target->emit("join", R"("r4")", 5);
        CHECK(target->read_until("435") == R"(435["refused"])");
        CHECK(server.running().counters(target_shard).refused_joins == 2);
    }
}
