// imedge server implementing the bench scenario contract (bench/README.md) on the handler API:
// Socket.IO on /socket.io/ and raw WebSocket on /ws, each with echo, join, publish and chat.
#include "server/api/app.hpp"

#include <simdjson.h>

#include <string>
#include <string_view>

namespace {

using imedge::server::event;
using imedge::server::payload;

// Each shard's JSON parser for raw WebSocket messages (a per-shard service: never shared).
struct raw_parser {
    simdjson::dom::parser parser;
};

// The data argument of publish/chat, forwarded as the JSON text it arrived as.
payload second_arg(const event& e) {
    payload p;
    if (e.args.size() > 1)
        p.add_json(e.args[1].json);
    return p;
}

} // namespace

int main(int argc, char** argv) {
    imedge::server::server_options defaults;
    defaults.host = "127.0.0.1";
    auto server = imedge::server::app::from_args(argc, argv, defaults);
    server.per_shard<raw_parser>([](std::size_t) { return raw_parser(); });

    server.of("/")
        .on("echo",
            [](event& e) {
                if (e.ack)
                    e.ack(payload(e.args));
            })
        .on("join",
            [](event& e) {
                const std::string room(e.args.string_at(0));
                e.io.enter_room(e.sid, room);
                if (e.ack)
                    e.ack(payload().add_string("joined:" + room));
            })
        .on("publish",
            [](event& e) {
                e.io.emit("msg", second_arg(e),
                          {.to = {std::string(e.args.string_at(0))}, .skip = {}});
                if (e.ack)
                    e.ack();
            })
        .on("chat", [](event& e) {
            e.io.emit("msg", second_arg(e),
                      {.to = {std::string(e.args.string_at(0))}, .skip = {e.sid}});
        });

    // Raw WebSocket: one JSON object per message, parsed as the Node peer does (echo, join,
    // publish, chat).
    server.websocket("/ws", [](imedge::server::websocket_peer& peer, std::string_view data,
                               imedge::protocol::engineio::frame_kind kind) {
        auto& parser = peer.io().local<raw_parser>().parser;
        simdjson::dom::element msg;
        if (parser.parse(data.data(), data.size()).get(msg) != simdjson::SUCCESS) {
            peer.close();
            return;
        }
        std::string_view op;
        std::string_view room;
        if (msg["op"].get(op) != simdjson::SUCCESS)
            return;
        if (op == "echo") {
            peer.send(data, kind);
        } else if (op == "join" && msg["room"].get(room) == simdjson::SUCCESS) {
            peer.join(room);
            peer.send(R"({"op":"joined","room":)" + imedge::protocol::json_string(room) + "}",
                      imedge::protocol::engineio::frame_kind::text);
        } else if ((op == "publish" || op == "chat") &&
                   msg["room"].get(room) == simdjson::SUCCESS) {
            simdjson::dom::element body;
            if (msg["data"].get(body) != simdjson::SUCCESS)
                return;
            peer.publish(room, simdjson::minify(body), imedge::protocol::engineio::frame_kind::text,
                         op == "chat" ? imedge::server::self_delivery::exclude
                                      : imedge::server::self_delivery::include);
        }
    });
    return server.run();
}
