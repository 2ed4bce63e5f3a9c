// server_ref::outbox and when_drained: a producer that paces itself by its connection's outbox
// sends far more than the slow-reader bound to a client that reads at its own speed, over
// WebSocket and over polling (each GET on a new connection, so on any shard), and the
// connection is never closed as a slow reader.
#include "fixture.hpp"
#include "test_client.hpp"
#include "wait.hpp"

#include <doctest.h>

using namespace imedge::testing;

namespace {

constexpr int blobs = 2000;
constexpr int blob_bytes = 4096; // 8 MB in all, against a 64 KiB outbox

std::size_t count_blobs(std::string_view body) {
    std::size_t n = 0;
    for (auto at = body.find(R"(42["blob")"); at != std::string_view::npos;
         at = body.find(R"(42["blob")", at + 1))
        ++n;
    return n;
}

imedge::server::server_options paced_options() {
    auto o = test_options(2);
    o.outbox_limit = 64 * 1024;
    return o;
}

} // namespace

TEST_SUITE("component") {
    TEST_CASE("a producer paced by outbox/when_drained never trips the slow-reader bound: "
              "WebSocket") {
        test_server server(paced_options());
        // A small receive buffer: the kernel cannot absorb the flood, the outbox has to wait.
        ws_client reader(server.port(), "/socket.io/?EIO=4&transport=websocket",
                         std::chrono::milliseconds(10000), 16 * 1024);
        reader.connect_namespace();
        reader.emit("paced-flood", std::to_string(blobs) + "," + std::to_string(blob_bytes));
        int got = 0;
        while (got < blobs) {
            auto p = reader.read();
            if (!p)
                break;
            if (p->starts_with(R"(42["blob")"))
                ++got;
        }
        CHECK(got == blobs);
        CHECK_FALSE(reader.closed());
        CHECK(total(server.running(), &imedge::server::shard_counters::slow_readers) == 0);
    }

    TEST_CASE("a producer paced by outbox/when_drained never trips the slow-reader bound: "
              "polling") {
        test_server server(paced_options());
        polling_client c(server.port());
        c.handshake();
        REQUIRE(c.post(c.session_query(), "40").body == "ok");
        REQUIRE(c.get(c.session_query()).body.starts_with("40"));
        REQUIRE(c.post(c.session_query(), R"(42["paced-flood",)" + std::to_string(blobs) + "," +
                                              std::to_string(blob_bytes) + "]")
                    .body == "ok");
        std::size_t got = 0;
        int gets = 0;
        while (got < blobs) {
            auto r = c.get(c.session_query());
            REQUIRE(r.status == 200);
            REQUIRE(r.body != "1"); // a close
            got += count_blobs(r.body);
            ++gets;
        }
        CHECK(got == blobs);
        CHECK(gets > 1); // the flood did not fit in one outbox
        CHECK(total(server.running(), &imedge::server::shard_counters::slow_readers) == 0);
    }
}
