// Command-line parsing for server_options.
#include "server/api/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <thread>

namespace imedge::server {
namespace {

template <class T> bool parse_number(std::string_view text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

template <class T> bool parse_positive(std::string_view text, T& out) {
    return parse_number(text, out) && out > 0;
}

// The flags of the limits struct. Returns false for a name that is not one of them.
bool parse_limit(std::string_view name, std::string_view value, server_limits& l, bool& ok) {
    if (name == "--header-limit")
        ok = parse_positive(value, l.http_header_bytes);
    else if (name == "--http-idle-timeout")
        ok = parse_positive(value, l.http_idle_timeout_ms);
    else if (name == "--http-write-timeout")
        ok = parse_positive(value, l.http_write_timeout_ms);
    else if (name == "--max-pending-per-address")
        ok = parse_positive(value, l.pending_sessions_per_address);
    else if (name == "--max-pending")
        ok = parse_positive(value, l.pending_sessions);
    else if (name == "--accept-backoff")
        ok = parse_positive(value, l.accept_backoff_ms);
    else if (name == "--shutdown-timeout")
        ok = parse_positive(value, l.shutdown_timeout_ms);
    else if (name == "--ring-capacity")
        ok = parse_positive(value, l.ring_capacity);
    else if (name == "--ring-bytes")
        ok = parse_positive(value, l.ring_bytes);
    else if (name == "--node-connect-timeout")
        ok = parse_positive(value, l.node_connect_timeout_ms);
    else if (name == "--node-lookup-timeout")
        ok = parse_positive(value, l.node_lookup_timeout_ms);
    else if (name == "--max-node-relays")
        ok = parse_positive(value, l.node_relays);
    else if (name == "--write-timeout")
        ok = parse_positive(value, l.write_timeout_ms);
    else if (name == "--close-timeout")
        ok = parse_positive(value, l.close_timeout_ms);
    else if (name == "--plain-idle-timeout")
        ok = parse_number(value, l.plain_idle_ms); // 0: never
    else if (name == "--ws-handshake-timeout")
        ok = parse_positive(value, l.ws_handshake_timeout_ms);
    else if (name == "--ws-idle-read-bytes")
        ok = parse_positive(value, l.ws_idle_read_bytes);
    else if (name == "--ws-batch-frames")
        ok = parse_positive(value, l.ws_batch_frames);
    else if (name == "--ws-batch-bytes")
        ok = parse_positive(value, l.ws_batch_bytes);
    else if (name == "--packets-per-yield")
        ok = parse_positive(value, l.packets_per_yield);
    else if (name == "--attachment-timeout")
        ok = parse_positive(value, l.attachment_timeout_ms);
    else if (name == "--max-attachments")
        ok = parse_positive(value, l.max_attachments);
    else if (name == "--connect-backlog")
        ok = parse_positive(value, l.connect_backlog_limit);
    else if (name == "--max-rooms-per-socket")
        ok = parse_positive(value, l.max_rooms_per_socket);
    else
        return false;
    return true;
}

// Every other flag. Returns false for an unknown name.
bool parse_option(std::string_view name, std::string_view value, server_options& o, bool& ok) {
    if (parse_limit(name, value, o.limits, ok))
        return true;
    if (name == "--port")
        ok = parse_number(value, o.port);
    else if (name == "--host")
        o.host = std::string(value);
    else if (name == "--shards")
        ok = parse_number(value, o.shards) && o.shards <= 64;
    else if (name == "--ping-interval")
        ok = parse_positive(value, o.ping_interval_ms);
    else if (name == "--ping-timeout")
        ok = parse_positive(value, o.ping_timeout_ms);
    else if (name == "--max-payload")
        ok = parse_positive(value, o.max_payload);
    else if (name == "--connect-timeout")
        ok = parse_positive(value, o.connect_timeout_ms);
    else if (name == "--outbox-limit")
        ok = parse_positive(value, o.outbox_limit);
    else if (name == "--polling-route") {
        ok = value == "movable" || value == "forward";
        o.polling_route = value == "forward" ? server_options::poll_route::always_forward
                                             : server_options::poll_route::movable;
    } else if (name == "--web-root")
        o.web_root = std::string(value);
    else if (name == "--cors-origin")
        o.cors_origins.emplace_back(value);
    else if (name == "--cors-allow-header")
        o.cors_allowed_headers.emplace_back(value);
    else if (name == "--keep-header")
        o.kept_headers.emplace_back(value);
    else if (name == "--path") {
        o.socketio_path = std::string(value);
        ok = !value.empty() && value.front() == '/';
        if (ok && o.socketio_path.back() != '/')
            o.socketio_path += '/';
    } else
        return false;
    return true;
}

} // namespace

std::string usage(const char* program) {
    return fmt::format(
        "usage: {} [--port P] [--host H] [--shards N] [--ping-interval MS] [--ping-timeout MS]\n"
        "          [--max-payload BYTES] [--connect-timeout MS] [--outbox-limit BYTES]\n"
        "          [--cors-origin ORIGIN]... [--cors-allow-header NAME]... [--path /socket.io/]\n"
        "          [--keep-header NAME]... [--header-limit BYTES] [--http-idle-timeout MS]\n"
        "          [--http-write-timeout MS] [--max-pending-per-address N] [--max-pending N]\n"
        "          [--accept-backoff MS] [--shutdown-timeout MS] [--ring-capacity N]\n"
        "          [--ring-bytes BYTES] [--write-timeout MS] [--close-timeout MS]\n"
        "          [--node-connect-timeout MS] [--node-lookup-timeout MS] [--max-node-relays N]\n"
        "          [--plain-idle-timeout MS (0: none)] [--ws-handshake-timeout MS]\n"
        "          [--ws-idle-read-bytes BYTES] [--ws-batch-frames N] [--ws-batch-bytes BYTES]\n"
        "          [--packets-per-yield N] [--attachment-timeout MS] [--max-attachments N]\n"
        "          [--connect-backlog N] [--max-rooms-per-socket N] [--web-root DIR]\n"
        "          [--polling-route movable|forward]\n",
        program);
}

std::variant<server_options, std::string> parse_options(int argc, const char* const* argv,
                                                        server_options o) {
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (name == "--help" || name == "-h")
            return usage(argv[0]);
        if (i + 1 >= argc)
            return fmt::format("option {} needs a value\n{}", name, usage(argv[0]));
        std::string_view value = argv[++i];
        bool ok = true;
        if (!parse_option(name, value, o, ok))
            return fmt::format("unknown option {}\n{}", name, usage(argv[0]));
        if (!ok)
            return fmt::format("bad value for {}: {}\n{}", name, value, usage(argv[0]));
    }
    // The cors package's "*" is a literal wildcard; mixed into a list it would read as "any
    // origin, with credentials", which this option must never mean.
    if (o.cors_origins.size() > 1 &&
        std::find(o.cors_origins.begin(), o.cors_origins.end(), "*") != o.cors_origins.end())
        return fmt::format("--cors-origin '*' cannot be combined with other origins\n{}",
                           usage(argv[0]));
    if (o.shards == 0)
        o.shards = std::max(1u, std::thread::hardware_concurrency());
    return o;
}

} // namespace imedge::server
