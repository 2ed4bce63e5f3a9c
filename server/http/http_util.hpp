// Writing HTTP answers (with CORS and keep-alive) and reading what a handshake needs.
#pragma once

#include "server/api/handlers.hpp"
#include "server/engineio/engineio_host.hpp"

#include "protocol/engineio/handshake.hpp"

namespace imedge::server {

struct server_options;

/// Writes a response and reports whether the connection may serve another request.
asio::awaitable<connection_next> respond(http_exchange& ex, const server_options& o,
                                         http::status status, std::string_view content_type,
                                         std::string body);

/// The reference server's JSON error answer.
asio::awaitable<connection_next> respond_error(http_exchange& ex, const server_options& o,
                                               protocol::engineio::http_error e);

/// Answers a CORS preflight (OPTIONS).
asio::awaitable<connection_next> respond_preflight(http_exchange& ex, const server_options& o);

/// Query, headers and peer address of the request that opens a session.
std::shared_ptr<const handshake_info> make_handshake_info(const http_exchange& ex,
                                                          const protocol::engineio::target& t);

} // namespace imedge::server
