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
    // Beast's opening and closing handshakes (a direct WebSocket, a plain WebSocket): long
    // enough for a client on a slow link, short enough that a stalled one frees its socket soon.
    std::uint32_t ws_handshake_timeout_ms = 5000;
    // What an idle WebSocket reader's buffer may keep: Beast would prepare 1,536 bytes (a TCP
    // frame) for every waiting connection; most Engine.IO messages (pings, small events) fit.
    std::size_t ws_idle_read_bytes = 256;
    // One gathered write of an Engine.IO WebSocket: enough messages to make a broadcast burst one
    // system call, few enough bytes that one slow peer's write does not hold a large buffer.
    std::size_t ws_batch_frames = 64;
    std::size_t ws_batch_bytes = 256 * 1024;
    // Packets one connection's batch (a polling POST, WebSocket messages in the socket buffer)
    // hands on before the reader lets the shard's other handlers run. Small enough that a
    // 20,000-packet POST does not stall a shard for its whole length; large enough that the
    // yield (one post through the shard's queue) costs nothing per packet that matters.
    std::size_t packets_per_yield = 64;
    // Socket.IO
    std::uint32_t attachment_timeout_ms = 10000; // for all attachments of a binary packet to come
    // Binary attachments of one packet, both ways: socket.io's own parser takes any number, but
    // every attachment is a buffer held until the last one arrives; 10 covers real use (a
    // message with a few files) and the value the protocol layer's assembler was written for.
    std::size_t max_attachments = 10;
    std::size_t connect_backlog_limit =
        64; // packets a client may send while a connect handler runs
    // Rooms
    std::size_t max_rooms_per_socket = 10000; // its sid room included; more joins are refused
    // Sessions that have not finished their handshake (Engine.IO open without a Socket.IO
    // CONNECT yet). Counted per shard: the kernel spreads one address's connections over the
    // shards, so an address may hold up to shards x per_address in all.
    std::size_t pending_sessions_per_address = 128;
    std::size_t pending_sessions = 8192;
    // Cluster: requests relayed to the node that owns their session
    // (server/engineio/node_relay.hpp)
    std::uint32_t node_connect_timeout_ms = 2000; // connecting to it; then 502
    std::uint32_t node_lookup_timeout_ms = 2000;  // asking the directory where it is; then 503
    std::size_t node_relays = 4096; // relays open at once per shard (a relayed WebSocket stays
                                    // one for its life, holding two descriptors); then 503
    // Shards
    std::uint32_t accept_backoff_ms = 50;     // pause after EMFILE/ENFILE before accepting again
    std::uint32_t shutdown_timeout_ms = 3000; // graceful stop bound
    std::size_t ring_capacity = 8192;         // cross-shard ring slots per ordered shard pair
    std::size_t ring_bytes = 16u << 20; // payload bytes one shard pair may hold (drop past it)
};

} // namespace imedge::server
