// id_generator: the shard and node an id names, and ids of a single node unchanged.
#include "server/core/ids.hpp"

#include <doctest.h>

#include <set>

using imedge::server::id_generator;

TEST_SUITE("server") {
    TEST_CASE("a single node's ids are 21 characters naming the shard, with no node tag") {
        id_generator ids(5);
        auto id = ids.next();
        CHECK(id.size() == 21);
        CHECK(id_generator::shard_of(id) == 5);
        CHECK(id_generator::node_tag_of(id).empty());
    }

    TEST_CASE("a cluster node's ids carry its tag before the shard character") {
        id_generator ids(3, "Ab9_");
        std::set<std::string> seen;
        for (int i = 0; i < 1000; ++i) {
            auto id = ids.next();
            REQUIRE(id.size() == 25);
            CHECK(id_generator::shard_of(id) == 3);
            CHECK(id_generator::node_tag_of(id) == "Ab9_");
            CHECK(id.substr(20, 4) == "Ab9_");
            seen.insert(id.substr(0, 20));
        }
        CHECK(seen.size() == 1000); // the random part stays random
    }

    TEST_CASE("malformed ids name no node and, past their length, no shard") {
        CHECK(id_generator::node_tag_of("").empty());
        CHECK(id_generator::node_tag_of(std::string(21, 'A')).empty());
        CHECK(id_generator::node_tag_of(std::string(24, 'A')).empty());
        CHECK(id_generator::node_tag_of(std::string(20, 'A') + "a.cd" + "A").empty());
        CHECK_FALSE(id_generator::shard_of(std::string(22, 'A')));
        CHECK_FALSE(id_generator::shard_of(std::string(24, 'A') + "."));
        CHECK(id_generator::shard_of(std::string(24, 'A') + "B") == 1);
    }

    TEST_CASE("node tags are four base64url characters") {
        CHECK(id_generator::is_node_tag("Ab9_"));
        CHECK(id_generator::is_node_tag("----"));
        CHECK_FALSE(id_generator::is_node_tag("Ab9"));
        CHECK_FALSE(id_generator::is_node_tag("Ab9_x"));
        CHECK_FALSE(id_generator::is_node_tag("Ab+/"));
    }
}
