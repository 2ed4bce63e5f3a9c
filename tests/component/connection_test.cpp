// Per-connection bounds: heartbeat timeouts, slow readers, malformed input, graceful stop.
#include "fixture.hpp"
#include "test_client.hpp"
#include "wait.hpp"

#include <doctest.h>

#include <sys/socket.h>

#include <atomic>
#include <thread>

using namespace imedge::testing;
using clock_type = std::chrono::steady_clock;

TEST_SUITE("component") {

    // The heartbeat's rules are the session machine's (unit tests, with time as a value); this
    // is the smoke test that the shard's deadlines really drive it, with bounds that hold on a
    // loaded machine under ThreadSanitizer.
    TEST_CASE("heartbeat smoke test: a client that never answers pings is closed, one that "
              "answers stays") {
        auto o = test_options(2);
        o.ping_interval_ms = 300;
        o.ping_timeout_ms = 300;
        test_server server(o);
        ws_client alive(server.port());
        alive.connect_namespace();
        std::atomic<bool> stop{false};
        std::atomic<bool> ended_early{false};
        std::thread answering([&] {
            while (!stop && alive.read()) {
            } // read() answers pings
            ended_early = !stop;
        });
        auto start = clock_type::now();
        ws_client silent(server.port());
        silent.connect_namespace();
        // Only the silent one's session ends, after pingInterval + pingTimeout.
        CHECK(eventually(
            [&] { return total(server.running(), &imedge::server::shard_counters::sessions) == 1; },
            std::chrono::milliseconds(10000)));
        auto elapsed = clock_type::now() - start;
        CHECK(elapsed >= std::chrono::milliseconds(550));
        CHECK(elapsed < std::chrono::milliseconds(10000));
        stop = true;
        ::shutdown(alive.native_handle(), SHUT_RDWR); // unblocks the reader thread
        answering.join();
        CHECK_FALSE(ended_early); // the answering client was never closed by the server
    }

    TEST_CASE("a reader that stops reading is disconnected; the others receive everything") {
        auto o = test_options(2);
        o.outbox_limit = 1024 * 1024;
        test_server server(o);
        ws_client slow(server.port(), "/socket.io/?EIO=4&transport=websocket",
                       std::chrono::milliseconds(5000), 16 * 1024);
        slow.connect_namespace();
        std::vector<std::unique_ptr<ws_client>> fast;
        for (int i = 0; i < 3; ++i) {
            fast.push_back(std::make_unique<ws_client>(server.port()));
            fast.back()->connect_namespace();
        }
        constexpr int messages =
            1000; // 1000 x 16 KiB: more than the kernel buffers and the outbox hold
        fast[0]->emit("flood", std::to_string(messages) + ",16384");
        std::vector<std::thread> readers;
        std::vector<int> got(fast.size(), 0);
        for (std::size_t i = 0; i < fast.size(); ++i)
            readers.emplace_back([&, i] {
                while (got[i] < messages) {
                    auto p = fast[i]->read();
                    if (!p)
                        break;
                    if (p->starts_with(R"(42["blob")"))
                        ++got[i];
                }
            });
        for (auto& r : readers)
            r.join();
        for (int g : got)
            CHECK(g == messages);
        INFO("slow readers: ",
             total(server.running(), &imedge::server::shard_counters::slow_readers));
        CHECK(eventually([&] {
            return total(server.running(), &imedge::server::shard_counters::slow_readers) >= 1;
        }));
        CHECK(total(server.running(), &imedge::server::shard_counters::sessions) == 3);
    }

    TEST_CASE("malformed packets close only the offending connection") {
        test_server server(test_options(2));
        ws_client good(server.port());
        good.connect_namespace();
        // "|" separates packets sent one after the other.
        for (std::string bad : {"9", "4", "49", R"(42["x")", R"(42[1,2])", R"(42["connect"])",
                                R"(421[])", R"(450-["x",{"_placeholder":true,"num":0}])",
                                R"(451-["x",1]|42["y"])", R"(42/nosuch,["x"])", "6probe|5"}) {
            CAPTURE(bad);
            ws_client victim(server.port());
            victim.connect_namespace();
            auto start = clock_type::now();
            for (auto rest = std::string_view(bad); !rest.empty();) {
                auto bar = rest.find('|');
                victim.send_text(rest.substr(0, bar));
                rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
            }
            CHECK_FALSE(victim.read_until("never"));
            CHECK(victim.closed());
            CHECK(clock_type::now() - start <
                  std::chrono::milliseconds(1000)); // closed by the server, not our timeout
        }
        good.emit("join", R"("still-here")", 1);
        CHECK(good.read_until("431") == R"(431["joined"])");
    }

    TEST_CASE("a connection that never sends CONNECT is closed after the connect timeout") {
        auto o = test_options(1);
        o.connect_timeout_ms = 200;
        test_server server(o);
        auto start = clock_type::now();
        ws_client idle(server.port());
        CHECK_FALSE(idle.read_until("never"));
        auto elapsed = clock_type::now() - start;
        CHECK(elapsed >= std::chrono::milliseconds(150));
        CHECK(elapsed < std::chrono::milliseconds(3000));
    }

    TEST_CASE(
        "graceful stop closes every session with a close frame and returns within the bound") {
        test_server server(test_options(4));
        std::vector<std::unique_ptr<ws_client>> clients;
        for (int i = 0; i < 20; ++i) {
            clients.push_back(std::make_unique<ws_client>(server.port()));
            clients.back()->connect_namespace();
        }
        polling_client idle_http(server.port());
        idle_http.handshake();
        auto start = clock_type::now();
        server.stop();
        CHECK(clock_type::now() - start < std::chrono::milliseconds(2500));
        for (auto& c : clients) {
            CHECK_FALSE(c->read_until("never"));
            CHECK(c->closed());
        }
    }
}
