// Backend pushes into Socket.IO clients: clients join rooms by event (`join`/`leave`, on "/" and
// "/admin", acked with the room), and a backend pushes to them through Redis with
// python-socketio's RedisManager(write_only=True) or @socket.io/redis-emitter
// (`--redis redis://host:port`; see push/). A client's `shout` (room, data) is emitted to that
// room: with `--cluster`, on every node sharing the Redis; `join_other`/`leave_other` (sid,
// room) and `disconnect_other` (sid) act on another socket, on whichever node it is. The
// end-to-end fixture of tests/e2e/run-push.sh.
#include "push/run.hpp"

using namespace imedge::server;

namespace {

void rooms_by_event(namespace_handlers& ns) {
    ns.on("join",
          [](event& e) {
              e.io.enter_room(e.sid, e.args.string_at(0));
              if (e.ack)
                  e.ack(payload().add_string(e.args.string_at(0)));
          })
        .on("leave",
            [](event& e) {
                e.io.leave_room(e.sid, e.args.string_at(0));
                if (e.ack)
                    e.ack(payload().add_string(e.args.string_at(0)));
            })
        // Acting on another socket by its sid, wherever it lives: with `--cluster`, on
        // whichever node holds it (acked once the change is made here or handed on).
        .on("join_other",
            [](event& e) {
                e.io.enter_room(e.args.string_at(0), e.args.string_at(1));
                if (e.ack)
                    e.ack();
            })
        .on("leave_other",
            [](event& e) {
                e.io.leave_room(e.args.string_at(0), e.args.string_at(1));
                if (e.ack)
                    e.ack();
            })
        .on("disconnect_other",
            [](event& e) {
                e.io.disconnect(e.args.string_at(0));
                if (e.ack)
                    e.ack();
            })
        .on("shout", [](event& e) {
            payload data;
            if (e.args.size() > 1)
                data.add_json(e.args[1].json);
            e.io.emit("shout", data, {.to = {std::string(e.args.string_at(0))}, .skip = {}});
            if (e.ack)
                e.ack();
        });
}

} // namespace

int main(int argc, char** argv) {
    auto [server, push] = imedge::push::parse_args(argc, argv);
    rooms_by_event(server.of("/"));
    rooms_by_event(server.of("/admin"));
    return imedge::push::run_with_push(server, push);
}
