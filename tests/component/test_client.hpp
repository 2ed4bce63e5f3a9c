// A small blocking Engine.IO/Socket.IO client for component tests: raw packets over a real
// loopback WebSocket or over HTTP long-polling with a fresh TCP connection per request.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace imedge::testing {

using tcp = boost::asio::ip::tcp;

/// An Engine.IO session over WebSocket. Reads block at most `timeout`; pings are answered.
class ws_client {
public:
    ws_client(std::uint16_t port, std::string path = "/socket.io/?EIO=4&transport=websocket",
              std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
              int receive_buffer = 0);

    /// The Engine.IO sid from the open packet.
    const std::string& eio_sid() const { return eio_sid_; }
    /// Sends "40" (plus auth) and returns the Socket.IO sid from the CONNECT answer.
    std::string connect_namespace(std::string_view auth_json = {});
    const std::string& sid() const { return sid_; }

    void send_text(std::string_view packet);
    /// Sends one binary WebSocket message (a Socket.IO attachment).
    void send_binary(std::string_view bytes);
    /// Sends 42[<event>,<args_json...>] with an optional ack id.
    void emit(std::string_view event, std::string_view args_json = {},
              std::optional<int> ack_id = std::nullopt);
    /// The next packet that is not a ping (pings are answered), or nullopt on timeout/close.
    std::optional<std::string> read();
    /// Reads until a packet starts with `prefix`; nullopt if it does not come in time.
    std::optional<std::string> read_until(std::string_view prefix);
    bool closed() const { return closed_; }
    /// Stops reading from the socket (to simulate a slow reader).
    void set_timeout(std::chrono::milliseconds t);
    int native_handle();
    void close();

private:
    boost::asio::io_context context_;
    boost::beast::websocket::stream<tcp::socket> ws_;
    std::chrono::milliseconds timeout_;
    std::string eio_sid_;
    std::string sid_;
    bool closed_ = false;
};

/// HTTP long-polling where every request uses a new TCP connection (so each may land on any shard).
class polling_client {
public:
    explicit polling_client(std::uint16_t port) : port_(port) {}

    struct response {
        unsigned status = 0;
        std::string body;
    };
    response get(std::string_view query);
    response post(std::string_view query, std::string body);

    /// Opens a session; returns its sid.
    std::string handshake();
    std::string session_query() const { return "EIO=4&transport=polling&sid=" + sid_; }
    const std::string& sid() const { return sid_; }

private:
    response request(bool post, std::string_view query, std::string body);
    std::uint16_t port_;
    std::string sid_;
};

/// Sends `request` (a complete HTTP/1.1 request) on a new connection and returns the whole
/// response as text (headers and body), read until the server closes. `from`: the loopback
/// address to connect from (e.g. "127.0.0.2"), default the kernel's choice.
std::string raw_http(std::uint16_t port, std::string_view request, std::string_view from = {});

/// The value of a JSON string field in `json` (first occurrence), e.g. "sid".
std::string json_field(std::string_view json, std::string_view name);

/// The shard an imedge id names (its last character).
std::size_t shard_of(std::string_view id);

} // namespace imedge::testing
