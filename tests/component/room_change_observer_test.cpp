// The room-change observer (app::on_room_change, a cluster link's input): it sees exactly the
// enter_room, leave_room and disconnect calls whose socket is not on the calling shard (those
// may be another node's), after the local change was handed on, in the shard's order with its
// emits; a change of a socket on the calling shard is not its business.
#include "fixture.hpp"
#include "test_client.hpp"

#include <doctest.h>

#include <memory>
#include <mutex>

using namespace imedge::testing;
using namespace imedge::server;

namespace {

// What both observers saw, in the order they saw it (any shard's thread).
struct seen {
    std::mutex mutex;
    std::vector<std::string> lines;

    void add(std::string line) {
        std::lock_guard lock(mutex);
        lines.push_back(std::move(line));
    }
    std::vector<std::string> take() {
        std::lock_guard lock(mutex);
        return std::exchange(lines, {});
    }
};

std::string describe(std::string_view nsp, const socket_change& c) {
    std::string out(nsp);
    out += c.kind == socket_change_kind::join    ? " join"
           : c.kind == socket_change_kind::leave ? " leave"
                                                 : " disconnect";
    for (const auto& w : c.who)
        out += " " + w;
    out += " ->";
    for (const auto& r : c.rooms)
        out += " " + r;
    return out;
}

using lines = std::vector<std::string>;

} // namespace

TEST_SUITE("component") {

    TEST_CASE("the room-change observer sees changes of sockets off the calling shard only") {
        seen log;
        test_server server(test_options(2), [&](app& a) {
            a.on_room_change(
                [&](std::string_view nsp, const socket_change& c) { log.add(describe(nsp, c)); });
            a.on_emit([&](std::string_view, std::string_view event, const payload&,
                          const emit_options& o) {
                log.add("emit " + std::string(event) + " " + (o.to.empty() ? "" : o.to.front()));
            });
        });
        std::vector<std::unique_ptr<ws_client>> clients;
        ws_client* caller = nullptr;
        ws_client* other_shard = nullptr;
        ws_client* same_shard = nullptr;
        for (int i = 0; i < 64 && !(other_shard && same_shard); ++i) {
            clients.push_back(std::make_unique<ws_client>(server.port()));
            auto* c = clients.back().get();
            c->connect_namespace();
            if (!caller)
                caller = c;
            else if (shard_of(c->sid()) != shard_of(caller->sid()))
                other_shard = c;
            else
                same_shard = c;
        }
        REQUIRE(other_shard);
        REQUIRE(same_shard);
        const auto& far = other_shard->sid();
        int id = 0;
        auto call = [&](std::string_view event, std::string args, std::string_view answer) {
            caller->emit(event, args, ++id);
            auto prefix = "43" + std::to_string(id);
            CHECK(caller->read_until(prefix) == prefix + "[\"" + std::string(answer) + "\"]");
        };

        // The caller's own socket and a socket of the same shard: done here, nothing seen.
        call("join", R"("r0")", "joined");
        call("put", "\"" + same_shard->sid() + R"(","r1")", "put");
        call("drop", "\"" + same_shard->sid() + R"(","r1")", "dropped");
        CHECK(log.take().empty());

        // A socket of the other shard, and a sid no shard has (another node's, maybe): seen, and
        // the local change still happens; a join followed by an emit is seen in that order.
        call("put", "\"" + far + R"(","r2")", "put");
        caller->emit("to-room", R"("r2","x")");
        CHECK(other_shard->read_until("42") == R"(42["msg","x"])");
        call("drop", "\"" + far + R"(","r2")", "dropped");
        call("put", R"("nosuchsidnosuchsid0A","r3")", "put");
        call("kick", "\"" + far + "\"", "kicked");
        CHECK(other_shard->read_until("41") == "41");
        CHECK(log.take() == lines{"/ join " + far + " -> r2", "emit msg r2",
                                  "/ leave " + far + " -> r2", "/ join nosuchsidnosuchsid0A -> r3",
                                  "/ disconnect " + far + " ->"});

        // Kicking the same-shard socket: done here, not seen.
        call("kick", "\"" + same_shard->sid() + "\"", "kicked");
        CHECK(same_shard->read_until("41") == "41");
        CHECK(log.take().empty());
    }
}
