// Plain RFC 6455 WebSocket endpoints for clients that do not speak Socket.IO.
#pragma once

#include "server/api/app.hpp"
#include "server/http/exchange.hpp"

namespace imedge::server {

class shard;

/// Accepts the WebSocket of `ex`, runs the open handler, hands every message to the message
/// handler until it closes, then runs the close handler.
asio::awaitable<void> run_plain_websocket(shard& owner, http_exchange& ex,
                                          const websocket_handlers& handlers);

} // namespace imedge::server
