// The IM service's registration on the handler API.
#include "im_app.hpp"

#include <boost/asio/post.hpp>

namespace imedge::im {

void register_im(server::app& server, im_runtime& rt) {
    rt.services.resize(server.options().shards);
    server.on_shard_start([&rt](const server_ref& io) {
        auto index = io.shard_index();
        auto service = std::make_unique<shard_service>(io, *rt.db, rt.verifier, rt.options);
        auto* raw = service.get();
        rt.services.at(index) = std::move(service);
        rt.db->attach_shard(
            index,
            [ex = io.get_executor()](std::function<void()> f) {
                boost::asio::post(ex, std::move(f));
            },
            [raw](const store::feed_batch& batch) { raw->on_feed(batch); });
    });
    auto on = [&rt](server::event& e) -> shard_service& {
        return *rt.services[e.io.shard_index()];
    };
    server.of("/")
        .on_connect(
            [&rt](connect_request& r) { return rt.services[r.io.shard_index()]->on_connect(r); })
        .on_disconnect([&rt](const server_ref& io, std::string_view sid, std::string_view) {
            rt.services[io.shard_index()]->on_disconnect(sid);
        })
        .on("sync", [on](event& e) { on(e).sync(e); })
        .on("send", [on](event& e) { on(e).send(e); })
        .on("edit", [on](event& e) { on(e).edit(e, "edit"); })
        .on("delete", [on](event& e) { on(e).edit(e, "delete"); })
        .on("history", [on](event& e) { on(e).history(e); })
        .on("conversations", [on](event& e) { on(e).conversations(e); })
        .on("group.create", [on](event& e) { on(e).group_create(e); })
        .on("group.join", [on](event& e) { on(e).group_change(e, true); })
        .on("group.leave", [on](event& e) { on(e).group_change(e, false); })
        .on("group.members", [on](event& e) { on(e).group_members(e); })
        .on("delivered", [on](event& e) { on(e).receipt(e, "delivered"); })
        .on("read", [on](event& e) { on(e).receipt(e, "read"); })
        .on("typing", [on](event& e) { on(e).typing(e); })
        .on("presence", [on](event& e) { on(e).presence(e); });
}

} // namespace imedge::im
