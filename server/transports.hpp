// The two Engine.IO transports of a session: HTTP long-polling and WebSocket.
#pragma once

#include "engineio_host.hpp"

#include <boost/beast/websocket/stream.hpp>

#include <memory>

namespace imedge::server {

class eio_session;
class send_queue;
struct server_options;
namespace websocket = beast::websocket;
using ws_stream = websocket::stream<tcp::socket>;

/// GET: waits for packets (one GET at a time) and answers them as one payload.
asio::awaitable<connection_next> serve_poll_get(std::shared_ptr<eio_session> s, http_exchange& ex);
/// POST: decodes the payload and hands its packets to the session; answers "ok".
asio::awaitable<connection_next> serve_poll_post(std::shared_ptr<eio_session> s, http_exchange& ex);

/// Completes the WebSocket handshake for `ex`, taking its socket. Null when it failed.
asio::awaitable<std::unique_ptr<ws_stream>> accept_websocket(http_exchange& ex, const server_options& o);

/// Serves an open session over `ws` until either side closes.
asio::awaitable<void> run_websocket(std::shared_ptr<eio_session> s, ws_stream& ws);

/// The upgrade of a polling session: 2probe/3probe, release the pending GET, then "5"; on
/// success the session continues over `ws`.
asio::awaitable<void> upgrade_to_websocket(std::shared_ptr<eio_session> s, ws_stream& ws);

/// Drains `q` into `ws` until the queue is closing (then sends a close frame) or a write fails
/// (returns false). One Beast write per message: Beast stays in charge of every byte written.
asio::awaitable<bool> write_frames(send_queue& q, ws_stream& ws);

/// The same, but frames its messages itself and writes up to 64 of them per system call
/// (a gather write to the socket under Beast). Used for Engine.IO sessions, whose clients never
/// send WebSocket pings: Beast writes control frames of its own only when answering a ping or a
/// close, and a close ends this writer anyway.
asio::awaitable<bool> write_frames_gathered(send_queue& q, ws_stream& ws);

} // namespace imedge::server
