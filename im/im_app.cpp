// The IM service's registration on the handler API, its development token endpoint and the
// revocation hook.
#include "im_app.hpp"

#include "event_table.hpp"
#include "plain_endpoint.hpp"
#include "replies.hpp"

#include "protocol/engineio/handshake.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>

namespace imedge::im {
namespace {

// GET /dev/token?user=NAME: a token for NAME signed with the development secret (carrying the
// group-create claim when one is configured), so the chat page logs in without pasting one.
server::http_answer development_token(const im_runtime& rt, const server::http_call& call) {
    constexpr std::string_view text = "text/plain; charset=utf-8";
    auto target = protocol::engineio::parse_target(call.target);
    if (target.path != "/dev/token") // the route is a prefix
        return {404, std::string(text), "not found\n", {}};
    if (call.method != "GET")
        return {405, std::string(text), "GET only\n", {{"allow", "GET"}}};
    auto user = target.param("user").value_or("");
    if (!valid_user(user))
        return {400, std::string(text), "user: 1 to 256 bytes, no ':'\n", {}};
    std::vector<std::string> claims;
    if (!rt.options.group_create_claim.empty())
        claims.push_back(rt.options.group_create_claim);
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    auto token = mint_token(rt.options.jwt, user, now.count(), rt.options.token_ttl_s, claims);
    return {200, std::string(text), token + "\n", {{"cache-control", "no-store"}}};
}

} // namespace

void register_im(server::app& server, im_runtime& rt) {
    rt.services.resize(server.options().shards);
    server.on_shard_start([&rt](const server_ref& io) {
        auto index = io.shard_index();
        auto service = std::make_unique<shard_service>(io, *rt.db, rt.verifier, rt.options);
        auto* raw = service.get();
        rt.services.at(index) = std::move(service);
        raw->start();
        rt.db->attach_shard(
            index,
            [ex = io.get_executor()](std::function<void()> f) {
                boost::asio::post(ex, std::move(f));
            },
            [raw](const store::feed_batch& batch) { raw->on_feed(batch); });
    });
    if (rt.options.development_secret)
        server.http("/dev/token",
                    [&rt](server_ref,
                          server::http_call call) -> boost::asio::awaitable<server::http_answer> {
                        co_return development_token(rt, call);
                    });
    auto& socketio = server.of("/");
    socketio
        .on_connect(
            [&rt](connect_request& r) { return rt.services[r.io.shard_index()]->on_connect(r); })
        .on_disconnect([&rt](const server_ref& io, std::string_view sid, std::string_view) {
            rt.services[io.shard_index()]->on_disconnect(sid);
        });
    for (const auto& ev : im_events())
        socketio.on(std::string(ev.name), [&rt, handle = ev.handle](event& e) {
            handle(*rt.services[e.io.shard_index()], e);
        });
    register_plain_im(server, rt);
}

void disconnect_user(server::running_server& server, im_runtime& rt, const std::string& user,
                     const std::string& reason, std::function<void(std::size_t)> done) {
    // Counted across shards: each adds its devices, the last to finish reports the sum.
    struct tally {
        std::atomic<std::size_t> shards_left;
        std::atomic<std::size_t> devices{0};
        std::function<void(std::size_t)> done;
    };
    auto t = std::make_shared<tally>();
    t->shards_left = server.shard_count();
    t->done = std::move(done);
    for (std::size_t i = 0; i < server.shard_count(); ++i) {
        server.post(i, "/", [&rt, t, user, reason](const server_ref& io) {
            auto n = rt.services[io.shard_index()]->disconnect_user(user, reason);
            t->devices.fetch_add(n, std::memory_order_relaxed);
            if (t->shards_left.fetch_sub(1, std::memory_order_acq_rel) == 1 && t->done)
                t->done(t->devices.load(std::memory_order_relaxed));
        });
    }
}

} // namespace imedge::im
