// Parsing redis:// URLs.
#include "push/redis_url.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace imedge::push {

namespace {

bool parse_number(std::string_view s, long max, long& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && end == s.data() + s.size() && out >= 0 && out <= max;
}

// %XX escapes, as in URL user info (passwords often hold reserved characters).
std::optional<std::string> unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        long v = 0;
        if (i + 2 >= s.size())
            return std::nullopt;
        auto hex = s.substr(i + 1, 2);
        auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), v, 16);
        if (ec != std::errc{} || end != hex.data() + 2)
            return std::nullopt;
        out += static_cast<char>(v);
        i += 2;
    }
    return out;
}

} // namespace

std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
    constexpr std::string_view scheme = "redis://";
    if (!url.starts_with(scheme))
        return fmt::format("'{}' is not a redis:// URL", url);
    redis_endpoint e;
    auto rest = url.substr(scheme.size());
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        long db = 0;
        auto path = rest.substr(slash + 1);
        if (!path.empty() && !parse_number(path, 1 << 20, db))
            return fmt::format("bad database number '{}' in {}", path, url);
        e.db = static_cast<int>(db);
        rest = rest.substr(0, slash);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto info = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = info.find(':');
        auto user = unescape(info.substr(0, colon));
        auto password = unescape(colon == std::string_view::npos ? "" : info.substr(colon + 1));
        if (!user || !password)
            return fmt::format("bad %-escape in the user info of {}", url);
        e.user = std::move(*user);
        e.password = std::move(*password);
        if (colon == std::string_view::npos) // redis://secret@host: the password alone
            std::swap(e.user, e.password);
    }
    auto colon = rest.rfind(':');
    if (!rest.empty() && rest.front() == '[') { // [v6 address]
        auto close = rest.find(']');
        if (close == std::string_view::npos)
            return fmt::format("unclosed '[' in {}", url);
        e.host = std::string(rest.substr(1, close - 1));
        colon =
            rest.size() > close + 1 && rest[close + 1] == ':' ? close + 1 : std::string_view::npos;
    } else if (!rest.empty()) {
        e.host = std::string(rest.substr(0, colon));
    }
    if (colon != std::string_view::npos) {
        long port = 0;
        if (!parse_number(rest.substr(colon + 1), 65535, port) || port == 0)
            return fmt::format("bad port in {}", url);
        e.port = static_cast<std::uint16_t>(port);
    }
    if (e.host.empty())
        return fmt::format("no host in {}", url);
    return e;
}

std::string describe(const redis_endpoint& e) {
    bool v6 = e.host.find(':') != std::string::npos;
    return fmt::format("redis://{}{}{}{}:{}/{}", e.password.empty() ? "" : "***@", v6 ? "[" : "",
                       e.host, v6 ? "]" : "", e.port, e.db);
}

} // namespace imedge::push
