// The component tests' server.
#include "fixture.hpp"

#include "protocol/json_text.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imedge::testing {

using namespace server;
using namespace std::chrono_literals;

namespace {
std::string json_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& i : items) {
        if (out.size() > 1)
            out += ',';
        out += protocol::json_string(i);
    }
    return out + "]";
}
// Sends `left` "blob"s to `sid` no faster than its connection drains: while its outbox is at
// most half the slow-reader bound, resuming when it is down to a quarter.
void send_paced(server_ref io, std::string sid, int left, std::shared_ptr<const payload> data) {
    for (; left > 0; --left) {
        auto level = io.outbox(sid);
        if (!level)
            return;
        if (level->bytes > level->limit / 2) {
            io.when_drained(sid, level->limit / 4,
                            [io, sid, left, data] { send_paced(io, sid, left, data); });
            return;
        }
        io.emit_local(sid, "blob", *data);
    }
}
} // namespace

server_options test_options(std::size_t shards) {
    server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.shards = shards;
    o.limits.shutdown_timeout_ms = 2000;
    return o;
}

test_server::test_server(server_options options, const std::function<void(server::app&)>& configure)
    : app_(std::move(options)) {
    app_.of("/")
        .on("join",
            [](event& e) {
                bool joined = e.io.enter_room(e.sid, e.args.string_at(0));
                e.ack(payload().add_string(joined ? "joined" : "refused"));
            })
        .on("put",
            [](event& e) {
                e.io.enter_room(e.args.string_at(0), e.args.string_at(1));
                e.ack(payload().add_string("put"));
            })
        .on("drop",
            [](event& e) {
                e.io.leave_room(e.args.string_at(0), e.args.string_at(1));
                e.ack(payload().add_string("dropped"));
            })
        .on("kick",
            [](event& e) {
                e.io.disconnect(e.args.string_at(0));
                e.ack(payload().add_string("kicked"));
            })
        .on("to-room",
            [](event& e) {
                e.io.emit("msg", payload().add_json(e.args[1].json),
                          {.to = {std::string(e.args.string_at(0))}, .skip = {e.sid}});
            })
        .on("to-all", [](event& e) { e.io.emit("msg", payload().add_json(e.args[0].json)); })
        .on("seq",
            [](event& e) {
                auto n = std::stoi(e.args[1].json);
                for (int i = 0; i < n; ++i)
                    e.io.emit("seq", payload().add_int(i),
                              {.to = {std::string(e.args.string_at(0))}});
            })
        .on("flood",
            // Paced at about 2000 messages/s: a rate a reader that keeps reading sustains.
            [](event e) -> boost::asio::awaitable<void> {
                auto n = std::stoi(e.args[0].json);
                std::string blob(static_cast<std::size_t>(std::stoi(e.args[1].json)), 'x');
                auto data = payload().add_string(blob);
                boost::asio::steady_timer pace(co_await boost::asio::this_coro::executor);
                for (int i = 0; i < n; ++i) {
                    e.io.emit("blob", data);
                    if (i % 4 == 3) {
                        pace.expires_after(2ms);
                        co_await pace.async_wait(boost::asio::use_awaitable);
                    }
                }
            })
        .on("paced-flood",
            [](event& e) {
                auto n = std::stoi(e.args[0].json);
                std::string blob(static_cast<std::size_t>(std::stoi(e.args[1].json)), 'x');
                send_paced(e.io, e.sid, n, std::make_shared<payload>(payload().add_string(blob)));
            })
        .on("ask",
            [](event e) -> boost::asio::awaitable<void> {
                auto answer = co_await e.io.call(std::string(e.args.string_at(0)), "q",
                                                 payload().add_int(7), 1000ms);
                e.ack(answer ? payload(*answer) : payload().add_string("timeout"));
            })
        .on("rooms-of",
            [](event e) -> boost::asio::awaitable<void> {
                auto list = co_await e.io.fetch_rooms(std::string(e.args.string_at(0)));
                e.ack(payload().add_json(json_array(list)));
            })
        .on("session-set", [](event e) -> boost::asio::awaitable<void> {
            auto key = std::string(e.args.string_at(1));
            auto data = co_await e.io.update_session(std::string(e.args.string_at(0)), key,
                                                     std::string(e.args.string_at(2)));
            e.ack(data ? payload().add_string((*data)[key]) : payload().add_null());
        });
    // Plain WebSocket at /plain: "join:<room>", "pub:<room>:<text>", "chat:<room>:<text>"
    // (chat skips the sender), anything else is echoed.
    app_.websocket("/plain", [](websocket_peer& peer, std::string_view data, frame_kind kind) {
        auto first = data.find(':');
        auto op = data.substr(0, first);
        auto rest = first == std::string_view::npos ? std::string_view{} : data.substr(first + 1);
        auto second = rest.find(':');
        auto room = rest.substr(0, second);
        auto text = second == std::string_view::npos ? std::string_view{} : rest.substr(second + 1);
        if (op == "join") {
            peer.join(room);
            peer.send("joined", frame_kind::text);
        } else if (op == "pub" || op == "chat") {
            peer.publish(room, text, kind,
                         op == "chat" ? self_delivery::exclude : self_delivery::include);
        } else {
            peer.send(data, kind);
        }
    });
    if (configure)
        configure(app_);
    running_ = app_.start();
}

} // namespace imedge::testing
