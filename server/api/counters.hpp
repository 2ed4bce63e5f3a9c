// What running_server::counters() reports for one shard.
#pragma once

#include <cstdint>

namespace imedge::server {

/// A shard's counters at one moment (each value exact at a recent moment; see shard_metrics).
struct shard_counters {
    std::uint64_t accepted = 0;            // TCP connections served (adopted ones included)
    std::uint64_t accept_backoffs = 0;     // pauses for EMFILE/ENFILE
    std::uint64_t slow_readers = 0;        // connections closed because their outbox was full
    std::uint64_t handed_over = 0;         // connections passed to the shard owning their sid
    std::uint64_t forwarded = 0;           // polling requests forwarded to the shard owning it
    std::uint64_t forward_timeouts = 0;    // of those, unanswered by the deadline
    std::uint64_t node_relays = 0;         // requests relayed to the node owning their sid
    std::uint64_t node_relay_failures = 0; // of those, answered 502/503 by this node
    std::uint64_t sessions = 0;            // open Engine.IO sessions
    std::uint64_t pending_sessions = 0;    // of those, Socket.IO ones not yet CONNECTed
    std::uint64_t refused_handshakes = 0;  // refused by the pending-session caps
    std::uint64_t refused_origins = 0;     // WebSocket upgrades refused by the CORS allow-list
    std::uint64_t mesh_sent = 0;           // cross-shard messages sent
    std::uint64_t mesh_overflowed = 0;     // of those, how many found their ring full
    std::uint64_t refused_joins = 0;       // joins refused by max_rooms_per_socket, counted on
                                           // the socket's shard (cross-shard ones included)
    std::uint64_t parked_gets = 0;         // long-polling GETs held open, waiting for data
    std::uint64_t pings_sent = 0;          // Engine.IO pings queued to clients
    std::uint64_t pongs_received = 0;      // Engine.IO pongs received from clients

    std::uint64_t attachment_timeouts = 0; // sessions closed: a binary packet's parts came late
    std::uint64_t acks_awaited = 0;        // server-to-client acks waited for (gauge)
};

} // namespace imedge::server
