// CORS headers and the WebSocket Origin check.
#include "server/http/cors.hpp"

#include "server/api/options.hpp"

#include <algorithm>

namespace imedge::server {
namespace http = boost::beast::http;

namespace {

bool listed(const server_options& o, std::string_view origin) {
    return std::find(o.cors_origins.begin(), o.cors_origins.end(), origin) != o.cors_origins.end();
}

} // namespace

cors_mode cors_mode_of(const server_options& o) {
    if (o.cors_origins.empty())
        return cors_mode::none;
    // options.cpp refuses "*" combined with other origins.
    return o.cors_origins.front() == "*" ? cors_mode::any : cors_mode::list;
}

void add_cors_headers(const http::fields& request, http::fields& response,
                      const server_options& o) {
    switch (cors_mode_of(o)) {
    case cors_mode::none:
        return;
    case cors_mode::any:
        response.set(http::field::access_control_allow_origin, "*");
        return;
    case cors_mode::list:
        // The answer depends on the Origin whether or not it is allowed: caches must key on it.
        response.set(http::field::vary, "Origin");
        if (auto origin = request[http::field::origin]; !origin.empty() && listed(o, origin)) {
            response.set(http::field::access_control_allow_origin, origin);
            response.set(http::field::access_control_allow_credentials, "true");
        }
        return;
    }
}

void add_preflight_headers(const http::fields& request, http::fields& response,
                           const server_options& o) {
    if (cors_mode_of(o) == cors_mode::none)
        return;
    add_cors_headers(request, response, o);
    response.set(http::field::access_control_allow_methods, "GET,POST");
    std::string headers = "Content-Type";
    for (const auto& h : o.cors_allowed_headers)
        headers += "," + h;
    response.set(http::field::access_control_allow_headers, headers);
}

bool upgrade_origin_allowed(const http::fields& request, const server_options& o) {
    if (cors_mode_of(o) != cors_mode::list)
        return true;
    auto origin = request[http::field::origin];
    return origin.empty() || listed(o, origin);
}

} // namespace imedge::server
