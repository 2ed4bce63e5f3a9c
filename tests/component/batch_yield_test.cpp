// One connection's large batch does not starve its shard (issue 8, "yield between packets"): a
// polling POST of 20,000 events is handed to the session in slices of packets_per_yield, and
// another client's round trips on the same shard are served between the slices.
#include "fixture.hpp"
#include "test_client.hpp"

#include <doctest.h>

#include <atomic>
#include <future>

using namespace imedge::testing;
using namespace imedge::server;

namespace {

constexpr int batch_size = 20000;

// "/": tick counts one packet of the batch; where acks how many ticks the shard had handled
// when it ran, which is the server's own report of how the two clients' packets interleaved.
class counting_server {
public:
    explicit counting_server(server_options o) : app_(std::move(o)) {
        app_.of("/")
            .on("tick", [this](event&) { ticks_.fetch_add(1, std::memory_order_relaxed); })
            .on("where", [this](event& e) {
                e.ack(payload().add_int(ticks_.load(std::memory_order_relaxed)));
            });
        running_ = app_.start();
    }
    std::uint16_t port() const { return running_->port(); }
    int ticks() const { return ticks_.load(std::memory_order_relaxed); }

private:
    std::atomic<int> ticks_{0}; // written on the shard, read by the test thread
    app app_;
    std::unique_ptr<running_server> running_;
};

std::string tick_payload() {
    std::string body;
    for (int i = 0; i < batch_size; ++i) {
        if (i > 0)
            body += '\x1e';
        body += R"(42["tick"])";
    }
    return body;
}

struct observation {
    int mid_batch_replies = 0; // replies the shard sent between the batch's first and last tick
    int replies = 0;
};

// Client B's ack round trips while client A's POST is handled, until B sees the whole batch
// counted (or the POST has answered before a round trip began).
observation round_trips_during_batch(counting_server& server) {
    ws_client other(server.port());
    other.connect_namespace();
    polling_client batcher(server.port());
    batcher.handshake();
    REQUIRE(batcher.post(batcher.session_query(), "40").body == "ok");
    REQUIRE(batcher.get(batcher.session_query()).body.starts_with("40"));

    auto posted = std::async(std::launch::async,
                             [&] { return batcher.post(batcher.session_query(), tick_payload()); });
    observation seen;
    for (int id = 1;; ++id) {
        // A POST answered before this round trip: its reply shows the final count (or a loss).
        bool answered = posted.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
        other.emit("where", {}, id);
        auto reply = other.read_until("43" + std::to_string(id));
        REQUIRE(reply);
        auto open = reply->find('[');
        int ticks = std::stoi(reply->substr(open + 1));
        ++seen.replies;
        if (ticks > 0 && ticks < batch_size)
            ++seen.mid_batch_replies;
        if (ticks == batch_size || answered)
            break;
    }
    CHECK(posted.get().body == "ok");
    CHECK(server.ticks() == batch_size);
    return seen;
}

} // namespace

TEST_SUITE("component") {

    TEST_CASE("a 20,000-packet POST yields: another client's round trips complete mid-batch") {
        auto o = test_options(1); // one shard: both clients share its thread
        counting_server server(o);
        auto seen = round_trips_during_batch(server);
        MESSAGE("round trips: ", seen.replies, ", answered mid-batch: ", seen.mid_batch_replies);
        // A reply reporting 0 < ticks < 20,000 was produced by the shard while the batch was
        // still being handed over: the other client was served between its slices.
        CHECK(seen.mid_batch_replies > 0);
    }

    TEST_CASE("without yielding (packets_per_yield past the batch) no reply lands mid-batch") {
        // The control: it shows the signal above is the yield's doing, not the scheduler's.
        auto o = test_options(1);
        o.limits.packets_per_yield = 1000000;
        counting_server server(o);
        auto seen = round_trips_during_batch(server);
        CHECK(seen.mid_batch_replies == 0);
    }
}
