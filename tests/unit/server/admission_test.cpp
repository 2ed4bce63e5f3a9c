// Pending-session caps: per address, in total, released by tickets (moved, reset, destroyed).
#include "server/core/admission.hpp"

#include <doctest.h>

#include <vector>

namespace server = imedge::server;

TEST_SUITE("server") {

    TEST_CASE("admission: per-address and total caps; a released ticket frees its place once") {
        server::shard_counter gauge;
        server::handshake_admission a(2, 3, gauge);
        std::vector<server::admission_ticket> held;
        held.push_back(a.admit("1.1.1.1"));
        held.push_back(a.admit("1.1.1.1"));
        CHECK(held[0]);
        CHECK(held[1]);
        CHECK_FALSE(a.admit("1.1.1.1")); // the address is full
        held.push_back(a.admit("2.2.2.2"));
        CHECK(held[2]);
        CHECK_FALSE(a.admit("3.3.3.3")); // the shard is full
        CHECK(a.pending() == 3);
        CHECK(gauge.get() == 3);
        CHECK(a.pending("1.1.1.1") == 2);

        held[0].release();
        held[0].release(); // a second release does nothing
        CHECK(a.pending() == 2);
        CHECK(a.pending("1.1.1.1") == 1);
        auto moved = std::move(held[1]);
        CHECK_FALSE(held[1]);
        CHECK(a.pending("1.1.1.1") == 1);
        moved = server::admission_ticket(); // assignment releases what it held
        CHECK(a.pending("1.1.1.1") == 0);
        held.clear();
        CHECK(a.pending() == 0);
        CHECK(gauge.get() == 0);
        CHECK(a.admit("3.3.3.3"));
    }
}
