// Every resource bound of the server in one place, each settable (see options.hpp for the flags).
#pragma once

#include <cstddef>
#include <cstdint>

namespace imedge::server {

/// Bounds on what one client, one connection or one shard may hold. Part of server_options:
/// immutable after start-up, read by every shard. The protocol's own options (ping interval,
/// maxPayload, outbox limit, connect and upgrade timeouts) stay in server_options beside it.
struct server_limits {
    // HTTP
    std::size_t http_header_bytes = 16 * 1024;   // request line plus headers; more: 431-ish close
    std::uint32_t http_idle_timeout_ms = 60000;  // a keep-alive connection with no request
    std::uint32_t http_write_timeout_ms = 30000; // one response write
    // WebSocket
    std::uint32_t write_timeout_ms = 30000; // a WebSocket write that takes longer resets it
    std::uint32_t close_timeout_ms = 5000;  // a closing WebSocket is reset after this
    std::uint32_t plain_idle_ms = 60000;    // a silent plain WebSocket peer is dropped (pinged
                                            // at half of it; 0: never)
    // Socket.IO
    std::uint32_t attachment_timeout_ms = 10000; // for all attachments of a binary packet to come
    std::size_t connect_backlog_limit =
        64; // packets a client may send while a connect handler runs
    // Rooms
    std::size_t max_rooms_per_socket = 10000; // its sid room included; more joins are refused
    // Sessions that have not finished their handshake (Engine.IO open without a Socket.IO
    // CONNECT yet). Counted per shard: the kernel spreads one address's connections over the
    // shards, so an address may hold up to shards x per_address in all.
    std::size_t pending_sessions_per_address = 128;
    std::size_t pending_sessions = 8192;
    // Shards
    std::uint32_t accept_backoff_ms = 50;     // pause after EMFILE/ENFILE before accepting again
    std::uint32_t shutdown_timeout_ms = 3000; // graceful stop bound
    std::size_t ring_capacity = 8192;         // cross-shard ring slots per ordered shard pair
    std::size_t ring_bytes = 16u << 20; // payload bytes one shard pair may hold (drop past it)
};

} // namespace imedge::server
