// Serves the static site (web/, the chat page) over HTTP: GET and HEAD, ETag revalidation.
#pragma once

#include "server/http/exchange.hpp"
#include "server/http/static_site.hpp"

namespace imedge::server {

struct server_options;

/// The web root's site with the socket.io client mounted at `<socketio_path>socket.io.min.js`
/// (from the root's node_modules, installed by `npm ci` in web/). Blocking: call at start-up.
/// Warnings (skipped files, a missing client) go to stderr. Null when `web_root` is empty.
std::shared_ptr<const static_site> load_web_root(const server_options& o);

/// Answers a request no other route took: the file for its path (200, or 304 when
/// If-None-Match matches), 400 for a refused path (with a site), 405 for a method other than
/// GET/HEAD on a file, else 404. `site` may be null (nothing served). Runs on the connection's
/// shard.
asio::awaitable<connection_next> serve_static(const static_site* site, http_exchange& ex,
                                              const server_options& o);

} // namespace imedge::server
