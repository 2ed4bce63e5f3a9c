// HTTP answers.
#include "server/http/http_util.hpp"

#include "server/api/options.hpp"
#include "server/http/cors.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace imedge::server {
namespace {

asio::awaitable<connection_next> write(http_exchange& ex, http::response<http::string_body>& res,
                                       const server_options& o) {
    bool keep_alive = ex.request.keep_alive();
    res.keep_alive(keep_alive);
    res.prepare_payload();
    bool written =
        co_await ex.origin.write(http::message_generator(std::move(res)),
                                 std::chrono::milliseconds(o.limits.http_write_timeout_ms));
    co_return written&& keep_alive ? connection_next::keep_alive : connection_next::close;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// The headers a handler may ask a session for: identity (cookie, authorization), the client
// (user-agent), where it came from (origin, x-forwarded-for behind a proxy).
constexpr std::array<std::string_view, 5> always_kept = {"cookie", "authorization", "user-agent",
                                                         "origin", "x-forwarded-for"};

bool kept(std::string_view name, const server_options& o) {
    auto same = [&](std::string_view k) { return equal_ignoring_case(name, k); };
    return std::any_of(always_kept.begin(), always_kept.end(), same) ||
           std::any_of(o.kept_headers.begin(), o.kept_headers.end(), same);
}

} // namespace

asio::awaitable<connection_next> respond(http_exchange& ex, const server_options& o,
                                         http::status status, std::string_view content_type,
                                         std::string body, const http::fields& extra) {
    http::response<http::string_body> res{status, ex.request.version()};
    res.set(http::field::content_type, content_type);
    for (const auto& f : extra)
        res.set(f.name_string(), f.value());
    add_cors_headers(ex.request, res, o);
    res.body() = std::move(body);
    co_return co_await write(ex, res, o);
}

asio::awaitable<connection_next> respond_error(http_exchange& ex, const server_options& o,
                                               protocol::engineio::http_error e) {
    co_return co_await respond(ex, o,
                               static_cast<http::status>(protocol::engineio::error_status(e)),
                               "application/json", protocol::engineio::error_body(e));
}

asio::awaitable<connection_next> respond_preflight(http_exchange& ex, const server_options& o) {
    http::response<http::string_body> res{http::status::no_content, ex.request.version()};
    add_preflight_headers(ex.request, res, o);
    co_return co_await write(ex, res, o);
}

std::shared_ptr<const handshake_info> make_handshake_info(const http_exchange& ex,
                                                          const protocol::engineio::target& t,
                                                          const server_options& o) {
    auto info = std::make_shared<handshake_info>();
    info->query = t.query;
    for (const auto& field : ex.request) {
        if (!kept(field.name_string(), o))
            continue;
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        info->headers.emplace_back(std::move(name), std::string(field.value()));
    }
    info->address = ex.origin.peer_address();
    return info;
}

} // namespace imedge::server
