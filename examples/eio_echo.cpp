// A bare Engine.IO server echoing every message (text and binary) on /engine.io/, and a plain
// RFC 6455 WebSocket echo on /.
#include "server/api/app.hpp"

using namespace imedge::server;

int main(int argc, char** argv) {
    auto server = app::from_args(argc, argv);
    server.engineio("/engine.io/", [](engineio_peer& peer, imedge::protocol::engineio::packet& p) {
        peer.send(p);
    });
    server.websocket("/", [](websocket_peer& peer, std::string_view data, frame_kind kind) {
        peer.send(data, kind);
    });
    return server.run();
}
