// The two Engine.IO transports of a session: HTTP long-polling and WebSocket.
#pragma once

#include "server/api/limits.hpp"
#include "server/engineio/engineio_host.hpp"
#include "server/engineio/ordered_write_stream.hpp"

#include <boost/beast/websocket/stream.hpp>

#include <memory>

namespace imedge::server {

class eio_session;
class send_queue;
struct server_options;
namespace websocket = beast::websocket;
inline const websocket::close_reason normal_close{websocket::close_code::normal};

/// A WebSocket over `NextLayer` (a tcp::socket now, a TLS stream next) with ordered writes. The
/// transports below are templates over it, instantiated for each stream type in
/// websocket_transport.cpp (the shape of Beast's advanced server-flex example).
template <class NextLayer>
using basic_ws_stream = websocket::stream<ordered_write_stream<NextLayer>>;
using ws_stream = basic_ws_stream<tcp::socket>;

/// GET: waits for packets (one GET at a time) and answers them as one payload.
asio::awaitable<connection_next> serve_poll_get(std::shared_ptr<eio_session> s, http_exchange& ex);
/// POST: decodes the payload and hands its packets to the session; answers "ok".
asio::awaitable<connection_next> serve_poll_post(std::shared_ptr<eio_session> s, http_exchange& ex);

/// Completes the WebSocket handshake for `ex`, taking its socket. Null when it failed.
asio::awaitable<std::unique_ptr<ws_stream>> accept_websocket(http_exchange& ex,
                                                             const server_options& o);

/// Serves an open session over `ws` until either side closes.
template <class WsStream>
asio::awaitable<void> run_websocket(std::shared_ptr<eio_session> s, WsStream& ws);

/// The upgrade of a polling session: 2probe/3probe, release the pending GET, then "5"; on
/// success the session continues over `ws`.
template <class WsStream>
asio::awaitable<void> upgrade_to_websocket(std::shared_ptr<eio_session> s, WsStream& ws);

/// Closes `ws` with a normal close frame (an upgrade the session will not take).
template <class WsStream> asio::awaitable<void> close_websocket(WsStream& ws);

/// How a writer puts queued messages on the wire. `by_beast`: one Beast write per message, Beast
/// in charge of every byte. `gathered`: the writer frames up to server_limits::ws_batch_frames
/// messages itself and writes them
/// with one system call under Beast; for Engine.IO sessions, whose clients never send WebSocket
/// pings (Beast writes control frames of its own only to answer a ping or a close, and a close
/// ends the writer anyway).
enum class framing : std::uint8_t { by_beast, gathered };

/// A writer's bounds, from server_limits: the close deadline and a gathered write's size.
struct write_bounds {
    std::chrono::milliseconds close_timeout;
    std::size_t batch_frames;
    std::size_t batch_bytes;
};
inline write_bounds write_bounds_of(const server_limits& l) {
    return {std::chrono::milliseconds(l.close_timeout_ms), l.ws_batch_frames, l.ws_batch_bytes};
}

/// Drains `q` into `ws` until the queue is closing (then sends a close frame with `why`, read
/// at that moment) or a write fails (returns false). Once `q` starts closing, `ws` is reset if
/// it is still open `bounds.close_timeout` later.
template <class WsStream>
asio::awaitable<bool> write_frames(send_queue& q, WsStream& ws, framing how, write_bounds bounds,
                                   const websocket::close_reason& why = normal_close);

} // namespace imedge::server
