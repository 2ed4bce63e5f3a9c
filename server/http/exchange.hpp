// One HTTP request and the connection it came on, whatever carries that connection: a TCP
// connection of this shard now, a TLS one next, or another shard that forwarded the request
// (server/engineio/forwarding.hpp). Handlers see only this, never the stream.
#pragma once

#include "server/core/net.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace imedge::server {

namespace beast = boost::beast;
namespace http = beast::http;

using http_request = http::request<http::string_body>;

/// What a request handler did with its connection.
enum class connection_next { keep_alive, close, taken };

/// A plain TCP connection leaving this shard for the shard that owns its session: the descriptor
/// and the bytes already read from it. TLS connections cannot do this (their session state lives
/// in this thread's objects), which is why polling requests are forwarded instead.
struct released_connection {
    int fd = -1;
    std::string buffered;
};

/// The stream a WebSocket upgrade takes over, one alternative per kind of connection:
/// monostate when the request has no stream of its own (forwarded); TLS adds its stream here and
/// the WebSocket code, templated over the next layer, is instantiated for it.
using upgrade_stream = std::variant<std::monostate, tcp::socket>;

/// Where a request came from and where its answer goes.
class http_origin {
public:
    http_origin() = default;
    http_origin(const http_origin&) = delete;
    http_origin& operator=(const http_origin&) = delete;
    virtual ~http_origin() = default;

    /// Writes one whole response within `timeout`; false when the connection failed.
    virtual asio::awaitable<bool> write(http::message_generator response,
                                        std::chrono::milliseconds timeout) = 0;
    /// Writes bytes that already are a whole serialized response (one a forwarding shard got
    /// back from the owner).
    virtual asio::awaitable<bool> write_serialized(std::string_view response,
                                                   std::chrono::milliseconds timeout) = 0;
    /// The client's IP address as text; empty when unknown (the socket has gone).
    virtual std::string peer_address() const = 0;
    /// Takes the connection's stream for a WebSocket; the origin is left without one.
    virtual upgrade_stream take_stream() = 0;
    /// Whether release() can move this connection (a plain TCP one can, a TLS one cannot).
    virtual bool movable() const = 0;
    /// Takes the connection for a hand-over to another shard; nullopt when it cannot move.
    virtual std::optional<released_connection> release() = 0;
};

/// One HTTP request being served.
struct http_exchange {
    http_origin& origin;
    http_request request;
};

} // namespace imedge::server
