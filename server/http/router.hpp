// The HTTP route table: path (exact or prefix) and method set -> handler. Every endpoint of the
// server registers here: Engine.IO/Socket.IO paths, plain WebSocket endpoints, /healthz, and
// next /api, /metrics and static files.
#pragma once

#include "server/http/exchange.hpp"

#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::server {

class shard;

/// Serves one request on the shard that read it.
using route_handler = std::function<asio::awaitable<connection_next>(shard&, http_exchange&)>;

/// A set of HTTP methods. `any()` lets the handler answer every method itself (Engine.IO does:
/// the reference server's error for a wrong method is its own JSON 400, not a 405).
class method_set {
public:
    static method_set any() { return method_set(~std::uint32_t{0}); }
    static method_set of(std::initializer_list<http::verb> verbs) {
        std::uint32_t bits = 0;
        for (auto v : verbs)
            bits |= bit(v);
        return method_set(bits);
    }
    bool contains(http::verb v) const { return (bits_ & bit(v)) != 0; }
    /// The Allow header's value for a 405 answer.
    std::string allow_header() const;

private:
    explicit method_set(std::uint32_t bits) : bits_(bits) {}
    static std::uint32_t bit(http::verb v) {
        auto i = static_cast<unsigned>(v);
        return i < 32 ? std::uint32_t{1} << i : 0;
    }
    std::uint32_t bits_;
};

/// Built once per shard before it serves (see routes.hpp), then only read. A path without a
/// trailing slash also finds the route registered with one ("/socket.io" serves "/socket.io/").
class router {
public:
    enum class match : std::uint8_t { exact, prefix };

    /// Adds a route; a path already registered keeps its first handler (returns false).
    bool add(std::string path, method_set methods, route_handler handler, match m = match::exact);

    struct route {
        std::string path; // as registered
        method_set methods;
        route_handler handler;
    };
    /// The route serving `path` (the request target without its query): an exact route, else
    /// the longest prefix route; nullptr when none.
    const route* find(std::string_view path) const;

private:
    std::map<std::string, route, std::less<>> exact_;
    std::vector<route> prefixes_; // longest first
};

/// The request target's path (without the query).
std::string_view path_of(std::string_view target);

} // namespace imedge::server
