// The notification server: greets each client, keeps it in "notify room", answers `notify`.
#include "server/api/app.hpp"

#include <chrono>

using namespace imedge::server;

int main(int argc, char** argv) {
    auto server = app::from_args(argc, argv);
    server.of("/")
        .on_connect([](connect_request& r) {
            auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch());
            r.io.send(payload().add_string("welcome " + r.sid), {.to = {r.sid}});
            r.io.emit("notify", payload().add_json(R"({"ts":)" + std::to_string(now.count()) + "}"),
                      {.to = {r.sid}});
            r.io.enter_room(r.sid, "notify room");
            return connect_result::accept();
        })
        .on("notify", [](event& e) {
            std::string msg = e.args.empty() ? ""
                              : e.args[0].kind == imedge::protocol::socketio::json_kind::string
                                  ? e.args[0].text
                                  : e.args[0].json;
            auto answer = payload().add_string("I have received your msg: " + msg);
            e.io.emit("notify", answer, {.to = {e.sid}});
            if (e.ack)
                e.ack(answer);
        });
    return server.run();
}
