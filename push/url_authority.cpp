// Splitting the authority of a broker URL.
#include "push/url_authority.hpp"

#include <fmt/format.h>

#include <charconv>

namespace imedge::push {

std::optional<std::string> percent_decode(std::string_view s) {
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

std::variant<url_authority, std::string> split_authority(std::string_view url,
                                                         std::string_view rest) {
    url_authority a;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        a.path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        auto info = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = info.find(':');
        a.has_user_info = true;
        a.has_password = colon != std::string_view::npos;
        auto user = percent_decode(info.substr(0, colon));
        auto password = percent_decode(a.has_password ? info.substr(colon + 1) : "");
        if (!user || !password)
            return fmt::format("bad %-escape in the user info of {}", url);
        a.user = std::move(*user);
        a.password = std::move(*password);
    }
    auto colon = rest.rfind(':');
    if (!rest.empty() && rest.front() == '[') { // [v6 address]
        auto close = rest.find(']');
        if (close == std::string_view::npos)
            return fmt::format("unclosed '[' in {}", url);
        a.host = std::string(rest.substr(1, close - 1));
        colon =
            rest.size() > close + 1 && rest[close + 1] == ':' ? close + 1 : std::string_view::npos;
    } else if (!rest.empty()) {
        a.host = std::string(rest.substr(0, colon));
    }
    if (colon != std::string_view::npos) {
        unsigned port = 0;
        auto p = rest.substr(colon + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
        if (ec != std::errc{} || end != p.data() + p.size() || port == 0 || port > 65535)
            return fmt::format("bad port in {}", url);
        a.port = static_cast<std::uint16_t>(port);
    }
    if (!rest.empty() && a.host.empty()) // ":6379", "[]": a port but no host
        return fmt::format("no host in {}", url);
    return a;
}

} // namespace imedge::push
