// HTTP answers.
#include "server/http/http_util.hpp"

#include "server/api/options.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>

namespace imedge::server {
namespace {

bool origin_allowed(const server_options& o, std::string_view origin) {
    return std::any_of(
        o.cors_origins.begin(), o.cors_origins.end(),
        [&](const std::string& allowed) { return allowed == "*" || allowed == origin; });
}

void add_cors(const http_request& req, http::response<http::string_body>& res,
              const server_options& o) {
    auto origin = req[http::field::origin];
    if (origin.empty() || !origin_allowed(o, origin))
        return;
    res.set(http::field::access_control_allow_origin, origin);
    res.set(http::field::access_control_allow_credentials, "true");
    res.set(http::field::vary, "Origin");
}

asio::awaitable<connection_next> write(http_exchange& ex, http::response<http::string_body>& res) {
    bool keep_alive = ex.request.keep_alive();
    res.keep_alive(keep_alive);
    res.prepare_payload();
    ex.stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_write(ex.stream, res, asio::as_tuple(asio::use_awaitable));
    ex.stream.expires_never();
    if (ec || !keep_alive)
        co_return connection_next::close;
    co_return connection_next::keep_alive;
}

} // namespace

asio::awaitable<connection_next> respond(http_exchange& ex, const server_options& o,
                                         http::status status, std::string_view content_type,
                                         std::string body) {
    http::response<http::string_body> res{status, ex.request.version()};
    res.set(http::field::content_type, content_type);
    add_cors(ex.request, res, o);
    res.body() = std::move(body);
    co_return co_await write(ex, res);
}

asio::awaitable<connection_next> respond_error(http_exchange& ex, const server_options& o,
                                               protocol::engineio::http_error e) {
    co_return co_await respond(ex, o,
                               static_cast<http::status>(protocol::engineio::error_status(e)),
                               "application/json", protocol::engineio::error_body(e));
}

asio::awaitable<connection_next> respond_preflight(http_exchange& ex, const server_options& o) {
    http::response<http::string_body> res{http::status::no_content, ex.request.version()};
    add_cors(ex.request, res, o);
    res.set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
    if (auto h = ex.request[http::field::access_control_request_headers]; !h.empty())
        res.set(http::field::access_control_allow_headers, h);
    co_return co_await write(ex, res);
}

std::shared_ptr<const handshake_info> make_handshake_info(const http_exchange& ex,
                                                          const protocol::engineio::target& t) {
    auto info = std::make_shared<handshake_info>();
    info->query = t.query;
    info->url = std::string(ex.request.target());
    for (const auto& field : ex.request) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        info->headers.emplace_back(std::move(name), std::string(field.value()));
    }
    boost::system::error_code ec;
    auto remote = ex.stream.socket().remote_endpoint(ec);
    if (!ec)
        info->address = remote.address().to_string();
    return info;
}

} // namespace imedge::server
