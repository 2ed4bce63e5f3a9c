// One accepted TCP connection: reads HTTP requests and routes them by path.
#pragma once

#include "server/core/net.hpp"

#include <string>

namespace imedge::server {

class shard;

/// Serves `socket` on `owner` until it closes or a WebSocket takes it over. `buffered` holds
/// bytes already read from it elsewhere (a connection handed over by another shard).
asio::awaitable<void> run_http_connection(shard& owner, tcp::socket socket,
                                          std::string buffered = {});

} // namespace imedge::server
