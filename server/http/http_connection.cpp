// HTTP request loop and routing: Engine.IO paths, plain WebSocket paths, health check.
#include "server/http/http_connection.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/engineio/engineio_host.hpp"
#include "server/http/http_util.hpp"
#include "server/http/static_files.hpp"
#include "server/plainws/plain_websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstring>

namespace imedge::server {
namespace {

// Counts the shard's open connections so a graceful stop knows when it is done.
class connection_guard {
public:
    explicit connection_guard(shard& s) : shard_(s) {
        ++shard_.stats().accepted;
        shard_.connection_opened();
    }
    ~connection_guard() { shard_.connection_closed(); }
    connection_guard(const connection_guard&) = delete;
    connection_guard& operator=(const connection_guard&) = delete;

private:
    shard& shard_;
};

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

// "/socket.io" and "/socket.io/" name the same endpoint.
template <class Map> auto find_path(const Map& map, std::string_view path) {
    auto it = map.find(path);
    if (it == map.end() && !path.empty() && path.back() != '/')
        it = map.find(std::string(path) + "/");
    return it;
}

asio::awaitable<connection_next> route(shard& owner, http_exchange& ex) {
    const auto& config = owner.config();
    std::string_view path = path_of(ex.request.target());
    if (auto it = find_path(config.engineio_endpoints, path); it != config.engineio_endpoints.end())
        co_return co_await owner.engineio().serve(ex, it->first);
    if (!config.namespaces.empty() && (path == config.options.socketio_path ||
                                       std::string(path) + "/" == config.options.socketio_path))
        co_return co_await owner.engineio().serve(ex, config.options.socketio_path);
    if (auto it = config.websocket_endpoints.find(path); it != config.websocket_endpoints.end()) {
        if (!beast::websocket::is_upgrade(ex.request))
            co_return co_await respond(ex, owner.options(), http::status::upgrade_required,
                                       "text/plain", "this endpoint speaks WebSocket\n");
        co_await run_plain_websocket(owner, ex, it->second);
        co_return connection_next::taken;
    }
    if (path == "/healthz")
        co_return co_await respond(ex, owner.options(), http::status::ok, "text/plain", "ok\n");
    co_return co_await serve_static(config.web.get(), ex, owner.options()); // web/, else 404
}

// A POST over maxPayload ends its session, on whichever shard owns it.
void close_session_of(shard& owner, std::string_view target) {
    auto t = protocol::engineio::parse_target(target);
    auto sid = t.param("sid");
    if (!sid)
        return;
    auto shard_index = id_generator::shard_of(*sid);
    if (shard_index && *shard_index < owner.shard_count())
        owner.send_to(*shard_index, rooms::close_session{std::string(*sid), "transport error"});
}

} // namespace

asio::awaitable<void> run_http_connection(shard& owner, tcp::socket socket, std::string buffered) {
    connection_guard guard(owner);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    if (!buffered.empty()) {
        auto space = buffer.prepare(buffered.size());
        std::memcpy(space.data(), buffered.data(), buffered.size());
        buffer.commit(buffered.size());
    }
    const auto& o = owner.options();
    while (!owner.stopping()) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(o.max_payload);
        parser.header_limit(16 * 1024);
        stream.expires_after(std::chrono::milliseconds(o.http_idle_timeout_ms));
        owner.track(&stream.socket(), shard::activity::idle);
        auto [ec, n] =
            co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        owner.track(&stream.socket(), shard::activity::busy);
        stream.expires_never();
        if (ec == http::error::body_limit) {
            close_session_of(owner, parser.get().target());
            http_exchange ex{stream, buffer, parser.release()};
            ex.request.keep_alive(false);
            co_await respond(ex, o, http::status::payload_too_large, "text/plain",
                             "payload too large\n");
            break;
        }
        if (ec)
            break;
        http_exchange ex{stream, buffer, parser.release()};
        connection_next next = co_await route(owner, ex);
        if (next != connection_next::keep_alive)
            break; // closed, or taken over by a WebSocket
    }
    owner.untrack(&stream.socket());
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

} // namespace imedge::server
