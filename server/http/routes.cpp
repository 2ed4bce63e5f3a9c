// The route table of today's endpoints.
#include "server/http/routes.hpp"

#include "server/core/shard.hpp"
#include "server/http/http_util.hpp"
#include "server/plainws/plain_websocket.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

#include <fmt/format.h>

namespace imedge::server {
namespace {

route_handler engineio_route(std::string path) {
    return [path = std::move(path)](shard& s, http_exchange& ex) {
        return s.engineio().serve(ex, path);
    };
}

asio::awaitable<connection_next> serve_plain(shard& s, http_exchange& ex,
                                             const websocket_message_handler& handler) {
    if (!beast::websocket::is_upgrade(ex.request))
        co_return co_await respond(ex, s.options(), http::status::upgrade_required, "text/plain",
                                   "this endpoint speaks WebSocket\n");
    co_await run_plain_websocket(s, ex, handler);
    co_return connection_next::taken;
}

// A load balancer's liveness probe: answered by the shard that accepted it, so a shard whose
// loop is stuck stops answering its share. Its gauges, summed over all shards without asking
// them, let a test wait for what the server has seen (a parked GET, a ping) instead of guessing.
asio::awaitable<connection_next> serve_healthz(shard& s, http_exchange& ex) {
    const auto& m = s.all_metrics();
    co_return co_await respond(
        ex, s.options(), http::status::ok, "application/json",
        fmt::format(
            R"({{"status":"ok","shard":{},"sessions":{},"parked_gets":{},"pings_sent":{},"pongs_received":{}}})",
            s.index(), m.sum(&shard_metrics::sessions), m.sum(&shard_metrics::parked_gets),
            m.sum(&shard_metrics::pings_sent), m.sum(&shard_metrics::pongs_received)));
}

asio::awaitable<connection_next> serve_get(shard& s, http_exchange& ex,
                                           const http_get_handler& handler) {
    auto reply = handler(protocol::engineio::parse_target(ex.request.target()).query);
    http::fields extra;
    extra.set(http::field::cache_control, "no-store");
    co_return co_await respond(ex, s.options(), static_cast<http::status>(reply.status),
                               reply.content_type, std::move(reply.body), extra);
}

} // namespace

router make_routes(const app_config& config) {
    router r;
    for (const auto& [path, handler] : config.engineio_endpoints)
        r.add(path, method_set::any(), engineio_route(path));
    if (!config.namespaces.empty())
        r.add(config.options.socketio_path, method_set::any(),
              engineio_route(config.options.socketio_path));
    // Not a structured binding: clang (clang-tidy) cannot capture one in a lambda yet.
    for (const auto& endpoint : config.websocket_endpoints) {
        const auto& handler = endpoint.second;
        r.add(endpoint.first, method_set::of({http::verb::get}),
              [&handler](shard& s, http_exchange& ex) { return serve_plain(s, ex, handler); });
    }
    for (const auto& endpoint : config.http_get_endpoints) {
        const auto& handler = endpoint.second;
        r.add(endpoint.first, method_set::of({http::verb::get}),
              [&handler](shard& s, http_exchange& ex) { return serve_get(s, ex, handler); });
    }
    r.add("/healthz", method_set::of({http::verb::get}), serve_healthz);
    return r;
}

} // namespace imedge::server
