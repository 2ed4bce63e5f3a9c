// HTTP request loop: reads requests and dispatches them through the shard's router.
#include "server/http/http_connection.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/engineio/engineio_host.hpp"
#include "server/http/cors.hpp"
#include "server/http/http_util.hpp"
#include "server/http/static_files.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
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
        ++shard_.metrics().accepted;
        shard_.connection_opened();
    }
    ~connection_guard() { shard_.connection_closed(); }
    connection_guard(const connection_guard&) = delete;
    connection_guard& operator=(const connection_guard&) = delete;

private:
    shard& shard_;
};

asio::awaitable<connection_next> route(shard& owner, http_exchange& ex) {
    const auto& o = owner.options();
    const auto* r = owner.routes().find(path_of(ex.request.target()));
    if (!r) // the web root's files (the chat page), else 404
        co_return co_await serve_static(owner.config().web.get(), ex, o);
    if (!r->methods.contains(ex.request.method())) {
        http::fields extra;
        extra.set(http::field::allow, r->methods.allow_header());
        co_return co_await respond(ex, o, http::status::method_not_allowed, "text/plain",
                                   "method not allowed\n", extra);
    }
    // CORS does not cover WebSockets: with an allow-list, a page from another origin must not
    // be able to open one in its visitor's name (Engine.IO and plain endpoints alike).
    if (beast::websocket::is_upgrade(ex.request) && !upgrade_origin_allowed(ex.request, o)) {
        ++owner.metrics().refused_origins;
        ex.request.keep_alive(false);
        co_return co_await respond(ex, o, http::status::forbidden, "text/plain",
                                   "origin not allowed\n");
    }
    co_return co_await r->handler(owner, ex);
}

// A POST over maxPayload ends its session, on whichever shard owns it.
void close_session_of(shard& owner, std::string_view target) {
    auto t = protocol::engineio::parse_target(target);
    auto sid = t.param("sid");
    if (!sid)
        return;
    auto shard_index = id_generator::shard_of(*sid);
    if (shard_index && *shard_index < owner.shard_count())
        owner.send_to(*shard_index,
                      rooms::close_session{std::string(*sid),
                                           protocol::engineio::close_reason::transport_error});
}

/// The origin of the requests read from one `Stream` of this shard: beast::tcp_stream now, a TLS
/// stream next (which gives no upgrade_stream alternative yet and cannot be released).
template <class Stream> class stream_origin final : public http_origin {
public:
    stream_origin(Stream& stream, beast::flat_buffer& buffer) : stream_(stream), buffer_(buffer) {}

    asio::awaitable<bool> write(http::message_generator response,
                                std::chrono::milliseconds timeout) override {
        beast::get_lowest_layer(stream_).expires_after(timeout);
        auto [ec, n] = co_await beast::async_write(stream_, std::move(response),
                                                   asio::as_tuple(asio::use_awaitable));
        beast::get_lowest_layer(stream_).expires_never();
        co_return !ec;
    }

    asio::awaitable<bool> write_serialized(std::string_view response,
                                           std::chrono::milliseconds timeout) override {
        beast::get_lowest_layer(stream_).expires_after(timeout);
        auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(response),
                                                  asio::as_tuple(asio::use_awaitable));
        beast::get_lowest_layer(stream_).expires_never();
        co_return !ec;
    }

    std::string peer_address() const override {
        boost::system::error_code ec;
        auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        return ec ? std::string() : remote.address().to_string();
    }

    upgrade_stream take_stream() override {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
            return stream_.release_socket();
        else
            return std::monostate{};
    }

    bool movable() const override { return std::is_same_v<Stream, beast::tcp_stream>; }

    std::optional<released_connection> release() override {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            auto leftover = buffer_.data();
            released_connection r;
            r.buffered.assign(static_cast<const char*>(leftover.data()), leftover.size());
            r.fd = stream_.release_socket().release();
            return r;
        } else {
            return std::nullopt;
        }
    }

private:
    Stream& stream_;
    beast::flat_buffer& buffer_;
};

// Reads requests from `stream` and routes them until the connection closes or is taken.
template <class Stream>
asio::awaitable<void> serve_http(shard& owner, Stream& stream, beast::flat_buffer& buffer) {
    stream_origin<Stream> origin(stream, buffer);
    auto& socket = beast::get_lowest_layer(stream).socket();
    const auto& o = owner.options();
    const auto& limits = owner.limits();
    while (!owner.stopping()) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(o.max_payload);
        parser.header_limit(static_cast<std::uint32_t>(limits.http_header_bytes));
        beast::get_lowest_layer(stream).expires_after(
            std::chrono::milliseconds(limits.http_idle_timeout_ms));
        owner.track(&socket, shard::activity::idle);
        auto [ec, n] =
            co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
        owner.track(&socket, shard::activity::busy);
        beast::get_lowest_layer(stream).expires_never();
        if (ec == http::error::body_limit) {
            close_session_of(owner, parser.get().target());
            http_exchange ex{origin, parser.release()};
            ex.request.keep_alive(false);
            co_await respond(ex, o, http::status::payload_too_large, "text/plain",
                             "payload too large\n");
            break;
        }
        if (ec)
            break;
        http_exchange ex{origin, parser.release()};
        connection_next next = co_await route(owner, ex);
        if (next != connection_next::keep_alive)
            break; // closed, or taken over by a WebSocket or another shard
    }
    owner.untrack(&socket);
    beast::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
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
    co_await serve_http(owner, stream, buffer);
}

} // namespace imedge::server
