// The Socket.IO demo of tests/e2e/CONTRACT.md: auth echo, rejection, echo with and without
// acks, rooms, broadcasts, server-to-client acks, session data, catch-all; on "/" and "/custom".
#include "server/api/app.hpp"

#include <simdjson.h>

using namespace imedge::server;
using namespace std::chrono_literals;

namespace {

// The string field "reject" of the auth object, if there is one.
std::optional<std::string> reject_reason(const std::string& auth) {
    simdjson::dom::parser parser;
    std::string_view reason;
    if (parser.parse(auth)["reject"].get(reason) != simdjson::SUCCESS)
        return std::nullopt;
    return std::string(reason);
}

void register_demo(namespace_handlers& ns) {
    ns.on_connect([](connect_request& r) {
          if (auto reason = reject_reason(r.auth))
              return connect_result::reject(*reason, R"({"code":"REJECTED"})");
          r.io.emit("auth", payload().add_json(r.auth), {.to = {r.sid}});
          return connect_result::accept();
      })
        .on("message",
            [](event& e) { e.io.emit("message-back", payload(e.args), {.to = {e.sid}}); })
        .on("message-with-ack", [](event& e) { e.ack(payload(e.args)); })
        .on("join",
            [](event& e) {
                bool joined = e.io.enter_room(e.sid, e.args.string_at(0)); // false: rooms cap
                e.ack(payload().add_string((joined ? "joined:" : "refused:") +
                                           std::string(e.args.string_at(0))));
            })
        .on("leave",
            [](event& e) {
                e.io.leave_room(e.sid, e.args.string_at(0));
                e.ack(payload().add_string("left:" + std::string(e.args.string_at(0))));
            })
        .on("rooms",
            [](event& e) {
                std::string list = "[";
                for (const auto& room : e.io.rooms(e.sid)) {
                    if (list.size() > 1)
                        list += ',';
                    list += imedge::protocol::json_string(room);
                }
                e.ack(payload().add_json(list + "]"));
            })
        .on("broadcast",
            [](event& e) {
                payload data;
                if (e.args.size() > 1)
                    data.add_json(e.args[1].json);
                e.io.emit("broadcast", data,
                          {.to = {std::string(e.args.string_at(0))}, .skip = {e.sid}});
            })
        .on("broadcast-all",
            [](event& e) {
                payload data;
                if (!e.args.empty())
                    data.add_json(e.args[0].json);
                e.io.emit("broadcast", data);
            })
        .on("server-ack",
            [](event e) -> boost::asio::awaitable<void> {
                auto answer = co_await e.io.call(e.sid, "question", payload(e.args), 1000ms);
                if (answer)
                    e.io.emit("answer", payload(*answer), {.to = {e.sid}});
                else
                    e.io.emit("answer-timeout", {}, {.to = {e.sid}});
            })
        .on("set-session",
            [](event& e) {
                if (auto* data = e.io.session(e.sid))
                    (*data)[std::string(e.args.string_at(0))] = std::string(e.args.string_at(1));
                e.ack(payload().add_string("ok"));
            })
        .on("get-session",
            [](event& e) {
                auto* data = e.io.session(e.sid);
                auto it =
                    data ? data->find(std::string(e.args.string_at(0))) : decltype(data->end()){};
                if (data && it != data->end())
                    e.ack(payload().add_string(it->second));
                else
                    e.ack(payload().add_null());
            })
        .on("disconnect-me", [](event& e) { e.io.disconnect(e.sid); })
        .on_any([](event& e) {
            payload data;
            data.add_string(e.name);
            for (const auto& a : e.args.items)
                data.add_json(a.json);
            payload with_binary(std::vector<std::string>(data.items()), e.args.attachments);
            e.io.emit("catch-all", with_binary, {.to = {e.sid}});
        });
}

} // namespace

int main(int argc, char** argv) {
    server_options defaults;
    defaults.connect_timeout_ms = 1000;
    auto server = app::from_args(argc, argv, defaults);
    register_demo(server.of("/"));
    register_demo(server.of("/custom"));
    return server.run();
}
