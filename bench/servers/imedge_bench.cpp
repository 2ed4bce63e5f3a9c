// imedge server implementing the bench scenario contract (bench/README.md) on the handler API:
// Socket.IO on /socket.io/ (echo, join, publish, chat) and the raw-WebSocket echo on /ws.
#include "server/app.hpp"

#include <string>
#include <string_view>

namespace {

using imedge::server::event;
using imedge::server::payload;

// The data argument of publish/chat, forwarded as the JSON text it arrived as.
payload second_arg(const event& e) {
    payload p;
    if (e.args.size() > 1) p.add_json(e.args[1].json);
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    imedge::server::server_options defaults;
    defaults.host = "127.0.0.1";
    auto server = imedge::server::app::from_args(argc, argv, defaults);

    server.of("/")
        .on("echo", [](event& e) {
            if (e.ack) e.ack(payload(e.args));
        })
        .on("join", [](event& e) {
            const std::string room(e.args.string_at(0));
            e.io.enter_room(e.sid, room);
            if (e.ack) e.ack(payload().add_string("joined:" + room));
        })
        .on("publish", [](event& e) {
            e.io.emit("msg", second_arg(e), {.to = {std::string(e.args.string_at(0))}, .skip = {}});
            if (e.ack) e.ack();
        })
        .on("chat", [](event& e) {
            e.io.emit("msg", second_arg(e), {.to = {std::string(e.args.string_at(0))}, .skip = {e.sid}});
        });

    // Plain WebSocket peers have no rooms in the handler API yet: only the echo op is served.
    server.websocket("/ws", [](imedge::server::websocket_peer& peer, std::string_view data,
                               imedge::protocol::engineio::frame_kind kind) {
        if (data.find(R"("op":"echo")") != std::string_view::npos) peer.send(data, kind);
    });
    return server.run();
}
