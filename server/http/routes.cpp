// The route table of today's endpoints.
#include "server/http/routes.hpp"

#include "server/core/shard.hpp"
#include "server/http/http_util.hpp"
#include "server/plainws/plain_websocket.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

#include <fmt/format.h>

#include <cctype>

namespace imedge::server {
namespace {

route_handler engineio_route(std::string path) {
    return [path = std::move(path)](shard& s, http_exchange& ex) {
        return s.engineio().serve(ex, path);
    };
}

asio::awaitable<connection_next> serve_plain(shard& s, http_exchange& ex,
                                             const websocket_handlers& handler) {
    if (!beast::websocket::is_upgrade(ex.request))
        co_return co_await respond(ex, s.options(), http::status::upgrade_required, "text/plain",
                                   "this endpoint speaks WebSocket\n");
    co_await run_plain_websocket(s, ex, handler);
    co_return connection_next::taken;
}

// What /healthz reports, summed over all shards: the gauges tests wait on, and the counters of
// the hardening bounds (docs/hardening.md), so an operator or a test sees a bound being hit.
constexpr std::pair<std::string_view, shard_counter shard_metrics::*> healthz_fields[] = {
    {"sessions", &shard_metrics::sessions},
    {"parked_gets", &shard_metrics::parked_gets},
    {"pings_sent", &shard_metrics::pings_sent},
    {"pongs_received", &shard_metrics::pongs_received},
    {"acks_awaited", &shard_metrics::acks_awaited},
    {"slow_readers", &shard_metrics::slow_readers},
    {"attachment_timeouts", &shard_metrics::attachment_timeouts},
    {"ring_drops", &shard_metrics::mesh_overflowed},
    {"refused_handshakes", &shard_metrics::refused_handshakes},
    {"refused_origins", &shard_metrics::refused_origins},
    {"refused_joins", &shard_metrics::refused_joins},
    {"node_relays", &shard_metrics::node_relays},
    {"node_relay_failures", &shard_metrics::node_relay_failures},
};

// A load balancer's liveness probe: answered by the shard that accepted it, so a shard whose
// loop is stuck stops answering its share. Its gauges, summed over all shards without asking
// them, let a test wait for what the server has seen (a parked GET, a ping) instead of guessing.
// A program adds its own fields (app::add_health_fields).
asio::awaitable<connection_next> serve_healthz(shard& s, http_exchange& ex) {
    const auto& m = s.all_metrics();
    std::string body = fmt::format(R"({{"status":"ok","shard":{})", s.index());
    for (const auto& [name, field] : healthz_fields)
        body += fmt::format(R"(,"{}":{})", name, m.sum(field));
    for (const auto& fields : s.config().health)
        body += ',' + fields();
    body += '}';
    co_return co_await respond(ex, s.options(), http::status::ok, "application/json",
                               std::move(body));
}

// A program's endpoint: the request handed over as plain values, the answer written back.
asio::awaitable<connection_next> serve_program(shard& s, http_exchange& ex,
                                               const http_handler& handler) {
    http_call call;
    call.method = std::string(ex.request.method_string());
    call.target = std::string(ex.request.target());
    for (const auto& f : ex.request) {
        std::string name(f.name_string());
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        call.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    call.body = std::move(ex.request.body());
    auto answer = co_await handler(server_ref(s, "/"), std::move(call));
    http::fields extra;
    for (const auto& [name, value] : answer.headers)
        extra.set(name, value);
    co_return co_await respond(ex, s.options(), static_cast<http::status>(answer.status),
                               answer.content_type, std::move(answer.body), extra);
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
    r.add("/healthz", method_set::of({http::verb::get}), serve_healthz);
    for (const auto& endpoint : config.http_endpoints) {
        const auto& handler = endpoint.second;
        r.add(
            endpoint.first, method_set::any(),
            [&handler](shard& s, http_exchange& ex) { return serve_program(s, ex, handler); },
            router::match::prefix);
    }
    return r;
}

} // namespace imedge::server
