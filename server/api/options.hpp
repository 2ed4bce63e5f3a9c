// The server's common options, shared by the imedge binary and every program on the handler API.
#pragma once

#include "server/api/limits.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace imedge::server {

/// Immutable after start-up; every shard reads the same copy.
struct server_options {
    std::string host = "0.0.0.0";
    std::uint16_t port = 3000; // 0 picks a free port (all shards share it)
    std::size_t shards = 0;    // 0 = one per core
    std::uint32_t ping_interval_ms = 25000;
    std::uint32_t ping_timeout_ms = 20000;
    std::uint64_t max_payload = 1000000;
    std::uint32_t connect_timeout_ms = 45000;  // Socket.IO: time to send the first CONNECT
    std::uint32_t upgrade_timeout_ms = 10000;  // Engine.IO: time to finish a transport upgrade
    std::size_t outbox_limit = 1u << 20;       // bytes queued for one slow reader
    std::string socketio_path = "/socket.io/"; // where Socket.IO's Engine.IO endpoint lives
    std::string web_root;                      // static files served at "/" (empty: none)

    /// A polling request that reaches a shard not owning its session: `movable` hands a
    /// connection that can move by descriptor (plain TCP) over to the owner, where its later
    /// requests then arrive directly, and forwards the others (TLS, next) request by request;
    /// `always` forwards every one (the TLS path on plain TCP: for tests and for measuring it).
    enum class poll_route : std::uint8_t { movable, always_forward };
    poll_route polling_route = poll_route::movable;

    /// CORS, with the npm `cors` package's meaning (see server/http/cors.hpp): empty = no CORS
    /// headers; {"*"} = `Access-Control-Allow-Origin: *` without credentials; a list = those
    /// origins only, reflected with credentials, and WebSocket upgrades from other origins
    /// refused. "*" cannot be combined with other origins.
    std::vector<std::string> cors_origins;
    /// Request headers a preflight allows besides Content-Type (socket.io-client's
    /// `extraHeaders`). Requested headers are never reflected.
    std::vector<std::string> cors_allowed_headers;

    /// Request headers a session keeps for its handlers (handshake_info::header), besides the
    /// ones always kept (see handshake_info). Names are matched case-insensitively.
    std::vector<std::string> kept_headers;

    server_limits limits;
};

/// Parses the flags listed by usage() over `defaults`. Returns an error message for unknown or
/// malformed options; `--help` returns the usage text as the error.
std::variant<server_options, std::string> parse_options(int argc, const char* const* argv,
                                                        server_options defaults = {});

std::string usage(const char* program);

} // namespace imedge::server
