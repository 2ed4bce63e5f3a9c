// Writing HTTP answers (with CORS and keep-alive) and reading what a handshake needs.
#pragma once

#include "server/api/handlers.hpp"
#include "server/http/exchange.hpp"

#include "protocol/engineio/handshake.hpp"

#include <boost/beast/http/fields.hpp>

namespace imedge::server {

struct server_options;

/// Writes a response (with `extra` headers and the CORS headers of the policy) and reports
/// whether the connection may serve another request. The write is bounded by
/// limits.http_write_timeout_ms.
asio::awaitable<connection_next> respond(http_exchange& ex, const server_options& o,
                                         http::status status, std::string_view content_type,
                                         std::string body, const http::fields& extra = {});

/// The reference server's JSON error answer.
asio::awaitable<connection_next> respond_error(http_exchange& ex, const server_options& o,
                                               protocol::engineio::http_error e);

/// Answers a CORS preflight (OPTIONS) with 204 (see cors.hpp for the headers).
asio::awaitable<connection_next> respond_preflight(http_exchange& ex, const server_options& o);

/// What a new session keeps of the request that opens it: the query, the peer address and
/// the headers handshake_info documents (always-kept ones plus `o.kept_headers`).
std::shared_ptr<const handshake_info> make_handshake_info(const http_exchange& ex,
                                                          const protocol::engineio::target& t,
                                                          const server_options& o);

} // namespace imedge::server
