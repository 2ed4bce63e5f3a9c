// Parsing amqp:// URLs.
#include "push/amqp_url.hpp"

#include "push/url_authority.hpp"

#include <fmt/format.h>

namespace imedge::push {

std::variant<amqp_endpoint, std::string> parse_amqp_url(std::string_view url) {
    constexpr std::string_view scheme = "amqp://";
    if (!url.starts_with(scheme))
        return fmt::format("'{}' is not an amqp:// URL", url);
    auto split = split_authority(url, url.substr(scheme.size()));
    if (auto* error = std::get_if<std::string>(&split))
        return std::move(*error);
    auto& a = std::get<url_authority>(split);
    amqp_endpoint e;
    if (a.path && !a.path->empty()) {
        auto vhost = percent_decode(*a.path);
        if (!vhost)
            return fmt::format("bad %-escape in the vhost of {}", url);
        e.vhost = std::move(*vhost);
    }
    if (a.has_user_info) { // amqp://user@host: that user with an empty password
        e.user = std::move(a.user);
        e.password = std::move(a.password);
    }
    if (!a.host.empty())
        e.host = std::move(a.host);
    e.port = a.port.value_or(e.port);
    return e;
}

std::string describe(const amqp_endpoint& e) {
    return fmt::format("amqp://{}@{}:{}/{}", e.user, e.host, e.port, e.vhost);
}

} // namespace imedge::push
