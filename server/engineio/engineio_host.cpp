// Engine.IO request handling: handshake, routing by sid, hand-over to the owning shard.
#include "server/engineio/engineio_host.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/bare_engineio.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/engineio/forwarding.hpp"
#include "server/engineio/transports.hpp"
#include "server/http/http_util.hpp"
#include "server/socketio/sio_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <sstream>

namespace imedge::server {

using protocol::engineio::http_error;
using protocol::engineio::transport;

namespace {

enum class websocket_start : std::uint8_t { open, upgrade, refuse };

// The life of an accepted WebSocket, in a coroutine of its own. Counted as an open connection
// by its shard until it ends (see spawn_websocket).
asio::awaitable<void> serve_websocket(shard& owner, std::unique_ptr<ws_stream> ws,
                                      std::shared_ptr<eio_session> s, websocket_start start) {
    socket_registration registration(owner, beast::get_lowest_layer(*ws));
    if (start == websocket_start::upgrade)
        co_await upgrade_to_websocket(std::move(s), *ws);
    else if (start == websocket_start::refuse)
        co_await close_websocket(*ws);
    else
        co_await run_websocket(std::move(s), *ws);
}

// Hands an accepted WebSocket to a coroutine of its own, so the HTTP side (its coroutine
// frames, parser, read buffer, request headers and tcp_stream) is freed as soon as the handshake
// is done instead of living as long as the connection: about 5 KB per idle connection.
void spawn_websocket(shard& owner, std::unique_ptr<ws_stream> ws, std::shared_ptr<eio_session> s,
                     websocket_start start) {
    owner.connection_opened(); // before the HTTP side lets go of its count
    asio::co_spawn(owner.context(), serve_websocket(owner, std::move(ws), std::move(s), start),
                   [&owner](const std::exception_ptr& e) {
                       log_coroutine_exception(e, "websocket");
                       owner.connection_closed();
                   });
}

} // namespace

std::shared_ptr<eio_session> engineio_host::find(std::string_view sid) const {
    auto it = sessions_.find(std::string(sid));
    return it == sessions_.end() ? nullptr : it->second;
}

void engineio_host::close_all(close_reason reason) {
    std::vector<std::shared_ptr<eio_session>> all;
    all.reserve(sessions_.size());
    for (auto& [sid, s] : sessions_)
        all.push_back(s);
    for (auto& s : all)
        s->close(reason);
}

void engineio_host::forget(const std::string& sid) {
    sessions_.erase(sid);
    owner_.metrics().sessions.set(sessions_.size());
}

std::unique_ptr<session_handler> engineio_host::make_handler(std::string_view path,
                                                             admission_ticket ticket) {
    const auto& config = owner_.config();
    if (auto it = config.engineio_endpoints.find(path); it != config.engineio_endpoints.end())
        return std::make_unique<bare_engineio_handler>(it->second);
    return std::make_unique<sio_connection>(owner_, std::move(ticket));
}

std::shared_ptr<eio_session> engineio_host::create(std::string_view path, bool websocket,
                                                   const http_exchange& ex,
                                                   admission_ticket ticket) {
    auto t = protocol::engineio::parse_target(ex.request.target());
    auto sid = owner_.ids().next();
    auto s = std::make_shared<eio_session>(
        owner_, sid, websocket ? transport::websocket : transport::polling,
        make_handshake_info(ex, t, owner_.options()), make_handler(path, std::move(ticket)));
    sessions_.emplace(std::move(sid), s);
    owner_.metrics().sessions.set(sessions_.size());
    s->open();
    return s;
}

asio::awaitable<connection_next> engineio_host::handshake(http_exchange& ex, std::string_view path,
                                                          bool websocket) {
    // Socket.IO sessions are pending until their CONNECT: capped per address and per shard.
    admission_ticket ticket;
    if (!owner_.config().engineio_endpoints.contains(path)) {
        ticket = owner_.admission().admit(ex.origin.peer_address());
        if (!ticket) {
            ++owner_.metrics().refused_handshakes;
            ex.request.keep_alive(false);
            co_return co_await respond(ex, owner_.options(), http::status::service_unavailable,
                                       "text/plain", "too many pending sessions\n");
        }
    }
    if (!websocket) {
        auto s = create(path, false, ex, std::move(ticket));
        co_return co_await serve_poll_get(std::move(s), ex);
    }
    auto ws = co_await accept_websocket(ex, owner_.options());
    if (!ws)
        co_return connection_next::taken;
    auto s = create(path, true, ex, std::move(ticket));
    spawn_websocket(owner_, std::move(ws), std::move(s), websocket_start::open);
    co_return connection_next::taken;
}

// A WebSocket upgrade, or a polling request on a movable connection, moves its connection to the
// owning shard, as a descriptor with the bytes read so far: it then lives there. TLS connections
// cannot move this way: their polling requests are forwarded, and their upgrades will need the
// owner to relay WebSocket frames through the rings.
asio::awaitable<connection_next> engineio_host::hand_over(http_exchange& ex, std::size_t to) {
    std::string request = [&] {
        std::ostringstream bytes;
        bytes << ex.request;
        return std::move(bytes).str();
    }();
    auto released = ex.origin.release();
    if (!released) // only a forwarded request has no connection, and upgrades are never forwarded
        co_return co_await respond_error(ex, owner_.options(), http_error::bad_request);
    request += released->buffered;
    ++owner_.metrics().handed_over;
    owner_.send_to(to, rooms::adopt_connection{released->fd, std::move(request)});
    co_return connection_next::taken;
}

asio::awaitable<connection_next> engineio_host::serve(http_exchange& ex, std::string_view path) {
    const auto& o = owner_.options();
    auto& req = ex.request;
    if (req.method() == http::verb::options)
        co_return co_await respond_preflight(ex, o);

    auto t = protocol::engineio::parse_target(req.target());
    auto name = t.param("transport");
    auto tr = name ? protocol::engineio::parse_transport(*name) : std::nullopt;
    if (!tr)
        co_return co_await respond_error(ex, o, http_error::unknown_transport);
    bool upgrade_request = beast::websocket::is_upgrade(req);
    if (*tr == transport::websocket && !upgrade_request)
        co_return co_await respond_error(ex, o, http_error::bad_request);

    auto sid = t.param("sid");
    if (!sid) {
        if (req.method() != http::verb::get)
            co_return co_await respond_error(ex, o, http_error::bad_handshake_method);
        if (t.param("EIO") != "4")
            co_return co_await respond_error(ex, o, http_error::unsupported_protocol_version);
        co_return co_await handshake(ex, path, *tr == transport::websocket);
    }

    // Every request of a session is served by the node that owns it (the sid names it), so a
    // balancer in front of a cluster needs no sticky sessions; see docs/cluster.md for the cost.
    if (relay_.is_for_other_node(ex, *sid))
        co_return co_await relay_.relay(ex, *sid);

    // Every request of a session is served by the shard that owns it. A connection that can
    // move goes there, so its next requests need no crossing at all (measured with
    // bench/polling, 2 shards: forwarding every request cost 157 us of server CPU per round trip,
    // moving the connection 141 us).
    auto owner = owner_.owner_of(*sid);
    if (owner && *owner != owner_.index()) {
        bool forward =
            *tr != transport::websocket &&
            (o.polling_route == server_options::poll_route::always_forward || !ex.origin.movable());
        if (forward)
            co_return co_await forward_to_owner(owner_, *owner, ex, path);
        co_return co_await hand_over(ex, *owner);
    }

    auto s = find(*sid);
    if (!s)
        co_return co_await respond_error(ex, o, http_error::unknown_sid);
    if (*tr == transport::websocket) {
        // Decided before the asynchronous handshake: one upgrade at a time, one writer.
        auto acts = s->feed(protocol::engineio::input::upgrade_requested{});
        if (const auto* e = find_action<protocol::engineio::action::reply_error>(acts))
            co_return co_await respond_error(ex, o, e->error);
        bool take = find_action<protocol::engineio::action::accept_upgrade>(acts) != nullptr;
        auto ws = co_await accept_websocket(ex, o);
        if (!ws) {
            if (take)
                s->feed(protocol::engineio::input::upgrade_failed{});
            co_return connection_next::taken;
        }
        spawn_websocket(owner_, std::move(ws), take ? std::move(s) : nullptr,
                        take ? websocket_start::upgrade : websocket_start::refuse);
        co_return connection_next::taken;
    }
    if (req.method() == http::verb::get)
        co_return co_await serve_poll_get(std::move(s), ex);
    if (req.method() == http::verb::post)
        co_return co_await serve_poll_post(std::move(s), ex);
    co_return co_await respond_error(ex, o, http_error::bad_request);
}

} // namespace imedge::server
