// Long-polling requests that land on a shard other than their session's: the request goes to
// the owning shard as a cross-shard request and its serialized response comes back, so the
// connection stays where it was accepted (a TLS connection cannot change threads by
// descriptor). WebSocket upgrades still move the descriptor (plain TCP only; see
// engineio_host.cpp).
#pragma once

#include "server/http/exchange.hpp"

#include "rooms/shard_message.hpp"

#include <string_view>

namespace imedge::server {

class shard;

/// The asking side: sends the request of `ex` (for the Engine.IO endpoint `path`) to shard `to`,
/// which owns its session, and writes the response it sends back. With no answer by the
/// deadline (a parked GET is answered within a ping interval) the connection is closed.
asio::awaitable<connection_next> forward_to_owner(shard& s, std::size_t to, http_exchange& ex,
                                                  std::string_view path);

/// The owning side: serves a request that another shard forwarded, in a coroutine of its own
/// counted as an open connection, and replies with the response.
void serve_forwarded(shard& s, rooms::forwarded_request&& request);

} // namespace imedge::server
