// Engine.IO v4 request routing facts: the query (EIO, transport, sid), the open packet and
// the reference server's HTTP error answers (engine.io-protocol v4, "Handshake"; engine.io
// server `Server.errors`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imedge::protocol::engineio {

/// A request target split into its path and its decoded query parameters.
struct target {
    std::string path;
    std::vector<std::pair<std::string, std::string>> query;

    /// The first value of `name`, if present.
    std::optional<std::string_view> param(std::string_view name) const;
};

/// Splits "/socket.io/?EIO=4&transport=polling" and percent-decodes the path and the query
/// (a `+` is a space in the query only; in the path it stays a plus, RFC 3986 §3.3).
target parse_target(std::string_view raw);

/// Percent-decoding as in application/x-www-form-urlencoded ('+' is a space).
std::string url_decode(std::string_view text);

enum class transport { polling, websocket };

std::optional<transport> parse_transport(std::string_view name);

/// The reference server's error codes, sent as `{"code":N,"message":"..."}`.
enum class http_error : int {
    unknown_transport = 0,
    unknown_sid = 1,
    bad_handshake_method = 2,
    bad_request = 3,
    forbidden = 4,
    unsupported_protocol_version = 5,
};

std::string_view error_message(http_error e);

/// The JSON body for an error answer.
std::string error_body(http_error e);

/// The HTTP status for an error answer (403 for forbidden, 400 otherwise).
unsigned error_status(http_error e);

struct open_parameters {
    std::string_view sid;
    bool can_upgrade = true; // false when the session was opened directly over WebSocket
    std::uint32_t ping_interval_ms = 25000;
    std::uint32_t ping_timeout_ms = 20000;
    std::uint64_t max_payload = 1000000;
};

/// The open packet's JSON: exactly sid, upgrades, pingInterval, pingTimeout, maxPayload.
std::string open_packet_json(const open_parameters& p);

} // namespace imedge::protocol::engineio
