// Static files over HTTP.
#include "server/http/static_files.hpp"

#include "server/api/options.hpp"
#include "server/http/http_util.hpp"

#include <boost/beast/http/span_body.hpp>

#include <fmt/format.h>

#include <cstdio>

namespace imedge::server {

std::shared_ptr<const static_site> load_web_root(const server_options& o) {
    if (o.web_root.empty())
        return nullptr;
    std::vector<std::string> warnings;
    auto site = static_site::load(o.web_root,
                                  {{o.socketio_path.substr(1) + "socket.io.min.js",
                                    "node_modules/socket.io-client/dist/socket.io.min.js"}},
                                  warnings);
    for (const auto& w : warnings)
        fmt::print(stderr, "imedge: web root: {}\n", w);
    return site;
}

asio::awaitable<connection_next> serve_static(const static_site* site, http_exchange& ex,
                                              const server_options& o) {
    auto key = site ? map_static_path(ex.request.target()) : std::nullopt;
    if (site && !key)
        co_return co_await respond(ex, o, http::status::bad_request, "text/plain", "bad path\n");
    const static_file* file = key ? site->find(*key) : nullptr;
    if (!file)
        co_return co_await respond(ex, o, http::status::not_found, "text/plain", "not found\n");

    auto method = ex.request.method();
    bool head = method == http::verb::head;
    http::status status = http::status::ok;
    if (method != http::verb::get && !head)
        status = http::status::method_not_allowed;
    else if (ex.request[http::field::if_none_match] == file->etag)
        status = http::status::not_modified;

    http::response<http::span_body<const char>> res{status, ex.request.version()};
    bool keep_alive = ex.request.keep_alive();
    res.keep_alive(keep_alive);
    if (status == http::status::method_not_allowed) {
        res.set(http::field::allow, "GET, HEAD");
        res.content_length(0);
    } else {
        res.set(http::field::etag, file->etag);
        res.set(http::field::cache_control,
                "no-cache"); // revalidate each time; the ETag makes it cheap
        if (status == http::status::ok) {
            res.set(http::field::content_type, file->content_type);
            res.set("X-Content-Type-Options", "nosniff");
            res.content_length(file->content.size());
            if (!head)
                res.body() = {file->content.data(), file->content.size()};
        }
    }
    bool written =
        co_await ex.origin.write(http::message_generator(std::move(res)),
                                 std::chrono::milliseconds(o.limits.http_write_timeout_ms));
    co_return written&& keep_alive ? connection_next::keep_alive : connection_next::close;
}

} // namespace imedge::server
