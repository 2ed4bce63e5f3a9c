// A small room/echo service on the handler API (what the imedge binary served before the IM
// service): join/leave rooms, emit(room, event, ...) refusing reserved names, echo with acks.
#include "server/api/app.hpp"

#include "protocol/socketio/event_name.hpp"

using namespace imedge::server;

int main(int argc, char** argv) {
    auto server = app::from_args(argc, argv);
    server.of("/")
        .on("join",
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
        .on("emit",
            // emit(room, event, data...): everyone in the room but the sender gets event(data...).
            // An empty or reserved event name is not relayed: the ack (or, without one, an
            // "error" event to the sender) carries {"error":"<reason>"}.
            [](event& e) {
                auto room = std::string(e.args.string_at(0));
                auto name = std::string(e.args.string_at(1));
                if (!imedge::protocol::socketio::may_emit_event(name)) {
                    auto error =
                        payload().add_json(R"({"error":"event name is empty or reserved"})");
                    if (e.ack)
                        e.ack(error);
                    else
                        e.io.emit("error", error, {.to = {e.sid}});
                    return;
                }
                std::vector<std::string> items;
                for (std::size_t i = 2; i < e.args.size(); ++i)
                    items.push_back(e.args[i].json);
                // the attachments go along, so relayed placeholders keep their bytes
                payload data(std::move(items), e.args.attachments);
                e.io.emit(name, data, {.to = {room}, .skip = {e.sid}});
                if (e.ack)
                    e.ack();
            })
        .on("echo", [](event& e) {
            if (e.ack)
                e.ack(payload(e.args));
            else
                e.io.emit("echo", payload(e.args), {.to = {e.sid}});
        });
    return server.run();
}
