// Load-generator worker: one io_context per thread driving its clients through a scenario.
#include "worker.hpp"

#include "wire.hpp"
#include "ws_conn.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace imedge::bench {

namespace asio = boost::asio;
using std::chrono::nanoseconds;
using steady = std::chrono::steady_clock;

std::int64_t now_ns() noexcept {
    return std::chrono::duration_cast<nanoseconds>(steady::now().time_since_epoch()).count();
}

namespace {

constexpr std::uint32_t join_ack_id = 1;
constexpr std::size_t max_client_queue =
    256; // frames queued in one client before sends are skipped

steady::time_point at_ns(std::int64_t ns) {
    return steady::time_point(nanoseconds(ns));
}

void log_exception(std::exception_ptr e) {
    if (!e)
        return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        fmt::print(stderr, "loadgen: coroutine failed: {}\n", ex.what());
    }
}

struct client {
    explicit client(asio::any_io_executor ex) : conn(std::move(ex)) {}
    ws_conn conn;
    unsigned index = 0;
    unsigned room = 0;
    bool publisher = false;
    bool ready = false;
    std::uint32_t next_ack = join_ack_id + 1;
    std::uint64_t seq = 0;
};

class worker {
public:
    worker(const config& cfg, shared_state& state, counters& slot, std::vector<unsigned> indices,
           bool has_publisher)
        : cfg_(cfg), state_(state), slot_(slot), indices_(std::move(indices)),
          has_publisher_(has_publisher) {}

    void run() {
        asio::co_spawn(ctx_, launch(), log_exception);
        asio::co_spawn(ctx_, control(), log_exception);
        ctx_.run();
    }

    histogram latency;
    histogram connect;

private:
    bool raw() const { return cfg_.transport == transport_kind::raw; }
    bool joins() const {
        return cfg_.scenario == scenario_kind::broadcast || cfg_.scenario == scenario_kind::chat;
    }
    unsigned members(unsigned room) const {
        return cfg_.connections / cfg_.rooms + (room < cfg_.connections % cfg_.rooms ? 1 : 0);
    }
    // Share of the total offered rates that this worker carries.
    double share() const {
        if (cfg_.scenario == scenario_kind::broadcast)
            return has_publisher_ ? 1.0 : 0.0;
        return static_cast<double>(indices_.size()) / cfg_.connections;
    }

    asio::ip::address_v4 source_of(unsigned index) const {
        const unsigned k = index % cfg_.source_ips;
        return asio::ip::address_v4((127u << 24) | (64u << 16) | ((k / 254) << 8) | (k % 254 + 1));
    }

    asio::awaitable<void> sleep_until(std::int64_t ns) {
        asio::steady_timer timer(ctx_);
        timer.expires_at(at_ns(ns));
        co_await timer.async_wait(asio::use_awaitable);
    }
    asio::awaitable<void> sleep_for(std::int64_t ns) { co_await sleep_until(now_ns() + ns); }

    asio::awaitable<void> launch() {
        const std::int64_t start = now_ns();
        const double rate =
            cfg_.connect_rate * static_cast<double>(indices_.size()) / cfg_.connections;
        const unsigned cap =
            std::max<unsigned>(1, cfg_.connect_concurrency * indices_.size() / cfg_.connections);
        std::vector<std::shared_ptr<client>> all;
        for (unsigned index : indices_) {
            auto c = std::make_shared<client>(ctx_.get_executor());
            c->index = index;
            c->room = index % cfg_.rooms;
            all.push_back(c);
        }
        if (has_publisher_) {
            auto c = std::make_shared<client>(ctx_.get_executor());
            c->index = cfg_.connections;
            c->publisher = true;
            all.push_back(c);
        }
        for (std::size_t i = 0; i < all.size() && !closing_; ++i) {
            if (rate > 0)
                co_await sleep_until(start + static_cast<std::int64_t>(i / rate * 1e9));
            for (int spins = 0; in_flight_ >= cap && !closing_ && spins < 600'000; ++spins)
                co_await sleep_for(1'000'000);
            ++in_flight_;
            clients_.push_back(all[i]);
            asio::co_spawn(ctx_, run_client(all[i]), log_exception);
        }
    }

    asio::awaitable<bool> sio_handshake(client& c) {
        std::string_view text;
        bool opened = false;
        for (int i = 0; i < 16; ++i) {
            if (co_await c.conn.read(text))
                co_return false;
            const auto m = wire::classify_sio(text);
            if (m.what == wire::kind::eio_open && !opened) {
                opened = true;
                c.conn.send("40");
            } else if (m.what == wire::kind::eio_ping) {
                c.conn.send("3");
            } else if (m.what == wire::kind::sio_connected && opened) {
                co_return true;
            } else if (m.what != wire::kind::other) {
                co_return false;
            }
        }
        co_return false;
    }

    asio::awaitable<void> run_client(std::shared_ptr<client> c) {
        const std::int64_t t0 = now_ns();
        const ws_target target{cfg_.host, cfg_.port,
                               raw() ? cfg_.raw_path
                                     : cfg_.sio_path + "?EIO=4&transport=websocket"};
        bool ok = !(co_await c->conn.connect(source_of(c->index), target));
        if (ok && !raw())
            ok = co_await sio_handshake(*c);
        --in_flight_;
        if (!ok || closing_) {
            slot_.failed.fetch_add(1, std::memory_order_relaxed);
            co_return;
        }
        connect.record(static_cast<std::uint64_t>(now_ns() - t0));
        slot_.connected.fetch_add(1, std::memory_order_relaxed);
        if (joins() && !c->publisher) {
            c->conn.send(
                raw() ? wire::raw_join(c->room)
                      : wire::sio_event(cfg_.join_event, wire::room_json(c->room), join_ack_id));
        } else {
            mark_ready(*c);
        }
        std::string_view text;
        while (!closing_) {
            if (co_await c->conn.read(text)) {
                if (!closing_)
                    slot_.disconnects.fetch_add(1, std::memory_order_relaxed);
                break;
            }
            on_message(*c, text);
        }
    }

    void mark_ready(client& c) {
        if (c.ready)
            return;
        c.ready = true;
        if (!c.publisher)
            senders_.push_back(&c);
        slot_.ready.fetch_add(1, std::memory_order_relaxed);
    }

    void on_delivery(std::optional<std::uint64_t> stamp) {
        const std::int64_t now = now_ns();
        if (stamp)
            latency.record(static_cast<std::uint64_t>(
                std::max<std::int64_t>(0, now - static_cast<std::int64_t>(*stamp))));
        slot_.received.fetch_add(1, std::memory_order_relaxed);
        if (now <= end_ns_)
            slot_.received_window.fetch_add(1, std::memory_order_relaxed);
    }

    void on_echo_reply(client& c, std::optional<std::uint64_t> stamp) {
        on_delivery(stamp);
        if (cfg_.rate == 0 && !stopping_)
            send_one(c);
    }

    void on_message(client& c, std::string_view text) {
        if (raw()) {
            const auto m = wire::classify_raw(text);
            if (m.joined)
                mark_ready(c);
            else if (m.what == wire::kind::ack)
                on_echo_reply(c, m.stamp);
            else if (m.stamp)
                on_delivery(m.stamp);
            return;
        }
        const auto m = wire::classify_sio(text);
        switch (m.what) {
        case wire::kind::eio_ping:
            c.conn.send("3");
            break;
        case wire::kind::ack:
            if (m.ack_id == join_ack_id)
                mark_ready(c);
            else
                on_echo_reply(c, m.stamp);
            break;
        case wire::kind::event:
            if (m.event_name == cfg_.msg_event)
                on_delivery(m.stamp);
            break;
        default:
            break;
        }
    }

    // Sends this client's next scenario message, stamped now.
    void send_one(client& c) {
        if (c.conn.queued() >= max_client_queue) {
            slot_.skipped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const auto stamp = static_cast<std::uint64_t>(now_ns());
        const std::uint64_t seq = c.seq++;
        std::string frame;
        std::uint64_t expect = 1;
        if (cfg_.scenario == scenario_kind::echo) {
            if (raw())
                frame = wire::raw_echo(stamp, seq, cfg_.payload);
            else
                frame = wire::sio_event(cfg_.echo_event,
                                        wire::data_object(stamp, seq, cfg_.payload), c.next_ack++);
        } else {
            const unsigned room = c.publisher ? static_cast<unsigned>(seq % cfg_.rooms) : c.room;
            const bool chat = cfg_.scenario == scenario_kind::chat;
            expect = chat ? members(room) - 1 : members(room);
            const std::string data = wire::data_object(stamp, seq, cfg_.payload);
            if (raw())
                frame = wire::raw_send(chat ? "chat" : "publish", room, data);
            else
                frame = wire::sio_event(chat ? cfg_.chat_event : cfg_.publish_event,
                                        wire::room_json(room) + "," + data, 0);
        }
        slot_.expected.fetch_add(expect, std::memory_order_relaxed);
        slot_.sent.fetch_add(1, std::memory_order_relaxed);
        c.conn.send(std::move(frame));
    }

    client* publisher() {
        for (auto& c : clients_)
            if (c->publisher && c->ready)
                return c.get();
        return nullptr;
    }

    // Fixed offered rate: this worker's share of cfg.rate, round-robin over its ready clients.
    asio::awaitable<void> pace() {
        const double rate = cfg_.rate * share();
        if (rate <= 0)
            co_return;
        client* pub = publisher();
        std::uint64_t done = 0;
        std::size_t next = 0;
        while (!stopping_) {
            const std::int64_t now = now_ns();
            if (now >= end_ns_)
                break;
            const auto due = static_cast<std::uint64_t>((now - go_ns_) * rate / 1e9);
            for (int burst = 0; done < due && burst < 10'000; ++burst, ++done) {
                if (pub)
                    send_one(*pub);
                else if (!senders_.empty())
                    send_one(*senders_[next++ % senders_.size()]);
            }
            const auto next_due = go_ns_ + static_cast<std::int64_t>((done + 1) / rate * 1e9);
            co_await sleep_until(std::min(next_due, end_ns_));
        }
    }

    // Broadcast at saturation: keep at most cfg.window messages in flight end to end.
    asio::awaitable<void> saturate() {
        client* pub = publisher();
        if (!pub)
            co_return;
        const std::uint64_t per_message = std::max(1u, cfg_.connections / cfg_.rooms);
        while (!stopping_ && now_ns() < end_ns_) {
            const std::uint64_t expected = state_.total(&counters::expected);
            const std::uint64_t received = state_.total(&counters::received);
            const std::uint64_t in_flight =
                expected > received ? (expected - received) / per_message : 0;
            if (in_flight < cfg_.window && pub->conn.queued() < 64) {
                for (std::uint64_t i = in_flight; i < cfg_.window && i < in_flight + 64; ++i)
                    send_one(*pub);
                co_await asio::post(ctx_, asio::use_awaitable);
            } else {
                co_await sleep_for(50'000);
            }
        }
    }

    asio::awaitable<void> control() {
        const std::int64_t give_up =
            now_ns() + static_cast<std::int64_t>((cfg_.setup_timeout + 30) * 1e9);
        while (state_.go_ns.load() == 0 && !state_.abort.load() && now_ns() < give_up)
            co_await sleep_for(2'000'000);
        go_ns_ = state_.go_ns.load();
        if (go_ns_ == 0)
            go_ns_ = now_ns();
        end_ns_ = go_ns_ + static_cast<std::int64_t>(cfg_.duration * 1e9);
        co_await sleep_until(go_ns_);

        if (cfg_.scenario == scenario_kind::echo && cfg_.rate == 0) {
            for (client* c : senders_)
                for (unsigned w = 0; w < cfg_.window; ++w)
                    send_one(*c);
        } else if (cfg_.scenario == scenario_kind::broadcast && cfg_.rate == 0) {
            if (has_publisher_)
                asio::co_spawn(ctx_, saturate(), log_exception);
        } else if (cfg_.scenario != scenario_kind::connect) {
            asio::co_spawn(ctx_, pace(), log_exception);
        }
        co_await sleep_until(end_ns_);
        stopping_ = true;

        if (cfg_.scenario != scenario_kind::connect) {
            co_await sleep_for(20'000'000);
            const std::int64_t drain_end = now_ns() + static_cast<std::int64_t>(cfg_.drain * 1e9);
            while (now_ns() < drain_end &&
                   state_.total(&counters::received) < state_.total(&counters::expected))
                co_await sleep_for(5'000'000);
        }
        closing_ = true;
        for (auto& c : clients_)
            c->conn.close();
    }

    const config& cfg_;
    shared_state& state_;
    counters& slot_;
    std::vector<unsigned> indices_;
    bool has_publisher_;
    asio::io_context ctx_{1};
    std::vector<std::shared_ptr<client>> clients_;
    std::vector<client*> senders_;
    unsigned in_flight_ = 0;
    std::int64_t go_ns_ = 0;
    std::int64_t end_ns_ = INT64_MAX;
    bool stopping_ = false;
    bool closing_ = false;
};

} // namespace

void run_process(const config& cfg, shared_state& state, unsigned proc) {
    std::vector<std::vector<unsigned>> shares(cfg.threads);
    for (unsigned g = proc; g < cfg.connections; g += cfg.procs)
        shares[(g / cfg.procs) % cfg.threads].push_back(g);

    std::vector<std::unique_ptr<worker>> workers;
    for (unsigned t = 0; t < cfg.threads; ++t) {
        const bool publisher = cfg.scenario == scenario_kind::broadcast && proc == 0 && t == 0;
        workers.push_back(
            std::make_unique<worker>(cfg, state, state.slot(proc, t), shares[t], publisher));
    }
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < cfg.threads; ++t)
        threads.emplace_back([&w = *workers[t]] { w.run(); });
    workers[0]->run();
    for (auto& t : threads)
        t.join();

    auto& result = state.results[proc];
    for (auto& w : workers) {
        result.latency.merge(w->latency);
        result.connect.merge(w->connect);
    }
}

} // namespace imedge::bench
