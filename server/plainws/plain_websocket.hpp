// Plain RFC 6455 WebSocket endpoints for clients that do not speak Socket.IO.
#pragma once

#include "server/api/app.hpp"
#include "server/http/exchange.hpp"

namespace imedge::server {

class shard;

/// Accepts the WebSocket of `ex` and hands every message to `handler` until it closes.
asio::awaitable<void> run_plain_websocket(shard& owner, http_exchange& ex,
                                          const websocket_message_handler& handler);

} // namespace imedge::server
