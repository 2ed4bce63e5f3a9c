// Parsing redis:// URLs.
#include "push/redis_url.hpp"

#include "push/url_authority.hpp"

#include <fmt/format.h>

#include <charconv>

namespace imedge::push {

std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
    constexpr std::string_view scheme = "redis://";
    if (!url.starts_with(scheme))
        return fmt::format("'{}' is not a redis:// URL", url);
    auto split = split_authority(url, url.substr(scheme.size()));
    if (auto* error = std::get_if<std::string>(&split))
        return std::move(*error);
    auto& a = std::get<url_authority>(split);
    redis_endpoint e;
    if (a.path && !a.path->empty()) {
        int db = 0;
        auto [end, ec] = std::from_chars(a.path->data(), a.path->data() + a.path->size(), db);
        if (ec != std::errc{} || end != a.path->data() + a.path->size() || db < 0 || db > (1 << 20))
            return fmt::format("bad database number '{}' in {}", *a.path, url);
        e.db = db;
    }
    if (a.has_user_info) {
        if (a.has_password) {
            e.user = std::move(a.user);
            e.password = std::move(a.password);
        } else { // redis://secret@host: the password alone
            e.password = std::move(a.user);
        }
    }
    if (!a.host.empty())
        e.host = std::move(a.host);
    e.port = a.port.value_or(e.port);
    return e;
}

std::string describe(const redis_endpoint& e) {
    bool v6 = e.host.find(':') != std::string::npos;
    return fmt::format("redis://{}{}{}{}:{}/{}", e.password.empty() ? "" : "***@", v6 ? "[" : "",
                       e.host, v6 ? "]" : "", e.port, e.db);
}

} // namespace imedge::push
