// CORS: which origins may read the server's answers and open WebSockets, in the npm `cors`
// package's terms (the middleware socket.io and engine.io use for their `cors` option).
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string_view>

namespace imedge::server {

struct server_options;

/// The policy `server_options::cors_origins` configures:
/// - none: no CORS headers (engine.io's default, `cors: false`).
/// - any (`*`): a literal `Access-Control-Allow-Origin: *` on every answer, never with
///   credentials and never reflecting the Origin (cors/lib/index.js `configureOrigin` with
///   `origin: '*'`; a browser refuses credentials with `*` anyway). `null` is not special.
/// - list: an Origin on the list is reflected, with `Access-Control-Allow-Credentials: true`
///   and `Vary: Origin`; any other Origin gets no CORS headers (the cors package's array form
///   with `credentials: true`, how socket.io's docs configure cookies and sticky sessions).
enum class cors_mode : std::uint8_t { none, any, list };
cors_mode cors_mode_of(const server_options& o);

/// Adds the CORS headers of an actual (non-preflight) answer to `request`.
void add_cors_headers(const boost::beast::http::fields& request,
                      boost::beast::http::fields& response, const server_options& o);

/// Adds the headers of a preflight answer (the caller answers 204 with no body). The methods
/// are the two Engine.IO serves, GET and POST (the cors package's default list also names
/// HEAD, PUT, PATCH and DELETE, which engine.io answers with 400); the headers are Content-Type
/// plus `cors_allowed_headers`: requested headers are never reflected (the cors package
/// reflects them when `allowedHeaders` is unset, which lets any page send any header).
void add_preflight_headers(const boost::beast::http::fields& request,
                           boost::beast::http::fields& response, const server_options& o);

/// Whether a WebSocket upgrade carrying `request`'s Origin may proceed. Browsers always send
/// an Origin on a WebSocket handshake, and a page from anywhere can open one (CORS does not
/// apply to WebSockets), so with an allow-list an upgrade from an unlisted Origin is refused.
/// Without an Origin (not a browser) or without a list, it proceeds, as python-engineio's
/// `cors_allowed_origins` check does.
bool upgrade_origin_allowed(const boost::beast::http::fields& request, const server_options& o);

} // namespace imedge::server
