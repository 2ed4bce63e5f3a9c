// Parsing amqp:// URLs.
#include "push/amqp_url.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

namespace imedge::push {

namespace {

std::optional<std::string> unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        unsigned v = 0;
        if (i + 2 >= s.size())
            return std::nullopt;
        auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
        if (ec != std::errc{} || end != s.data() + i + 3)
            return std::nullopt;
        out += static_cast<char>(v);
        i += 2;
    }
    return out;
}

} // namespace

std::variant<amqp_endpoint, std::string> parse_amqp_url(std::string_view url) {
    constexpr std::string_view scheme = "amqp://";
    if (!url.starts_with(scheme))
        return fmt::format("'{}' is not an amqp:// URL", url);
    amqp_endpoint e;
    auto rest = url.substr(scheme.size());
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        auto path = rest.substr(slash + 1);
        if (!path.empty()) {
            auto vhost = unescape(path);
            if (!vhost)
                return fmt::format("bad %-escape in the vhost of {}", url);
            e.vhost = std::move(*vhost);
        }
        rest = rest.substr(0, slash);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto info = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = info.find(':');
        auto user = unescape(info.substr(0, colon));
        auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                        : unescape(info.substr(colon + 1));
        if (!user || !password)
            return fmt::format("bad %-escape in the user info of {}", url);
        e.user = std::move(*user);
        e.password = std::move(*password);
    }
    auto colon = rest.rfind(':');
    if (!rest.empty())
        e.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
        unsigned port = 0;
        auto p = rest.substr(colon + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        if (ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 65535)
            return fmt::format("bad port in {}", url);
        e.port = static_cast<std::uint16_t>(port);
    }
    if (e.host.empty())
        return fmt::format("no host in {}", url);
    return e;
}

std::string describe(const amqp_endpoint& e) {
    return fmt::format("amqp://{}@{}:{}/{}", e.user, e.host, e.port, e.vhost);
}

} // namespace imedge::push
