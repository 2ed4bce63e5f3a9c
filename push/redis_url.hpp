// `redis://[[user]:password@]host[:port][/db]`, the URL form python-socketio's RedisManager and
// redis-py take (https://www.iana.org/assignments/uri-schemes/prov/redis).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace imedge::push {

struct redis_endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string user;     // empty: AUTH with the password only (Redis < 6 style)
    std::string password; // empty: no AUTH
    int db = 0;           // pub/sub ignores it; kept for the log line
};

/// The endpoint, or an error message saying what is wrong with `url`.
std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url);

/// The URL again, without the password (for logs).
std::string describe(const redis_endpoint& e);

} // namespace imedge::push
