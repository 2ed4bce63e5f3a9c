// A shard's counters, readable from any thread without asking the shard.
#pragma once

#include "server/api/counters.hpp"

#include <atomic>
#include <cstdint>

namespace imedge::server {

/// One counter or gauge of a shard: written only by the owning shard's thread (so a relaxed
/// load-add-store, no read-modify-write contention), read by anyone (a `/metrics` endpoint on
/// another shard, running_server::counters() on any thread) with a relaxed load. Values read
/// from another thread are each exact at some recent moment; they are not one atomic snapshot.
class shard_counter {
public:
    void add(std::uint64_t n = 1) { set(get() + n); }
    void sub(std::uint64_t n = 1) { set(get() - n); }
    void set(std::uint64_t v) { value_.store(v, std::memory_order_relaxed); }
    std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }
    shard_counter& operator++() {
        add();
        return *this;
    }

private:
    std::atomic<std::uint64_t> value_{0};
};

/// Every counter of one shard; the shard owns it and is its only writer. Aligned so that two
/// shards' counters never share a cache line.
struct alignas(64) shard_metrics {
    shard_counter accepted;           // TCP connections served (adopted ones included)
    shard_counter accept_backoffs;    // pauses for EMFILE/ENFILE
    shard_counter slow_readers;       // connections closed because their outbox was full
    shard_counter handed_over;        // connections passed to the shard owning their sid
    shard_counter forwarded;          // polling requests forwarded to the shard owning their sid
    shard_counter forward_timeouts;   // of those, unanswered by the deadline (connection closed)
    shard_counter sessions;           // open Engine.IO sessions (gauge)
    shard_counter pending_sessions;   // of those, not yet past their handshake (gauge)
    shard_counter refused_handshakes; // handshakes refused by the pending-session caps
    shard_counter refused_origins;    // WebSocket upgrades refused by the CORS allow-list
    shard_counter mesh_sent;          // cross-shard messages sent
    shard_counter mesh_overflowed;    // of those, how many found their ring full
    shard_counter refused_joins;      // room joins refused by max_rooms_per_socket (any caller)

    shard_counters snapshot() const {
        return {accepted.get(),        accept_backoffs.get(),  slow_readers.get(),
                handed_over.get(),     forwarded.get(),        forward_timeouts.get(),
                sessions.get(),        pending_sessions.get(), refused_handshakes.get(),
                refused_origins.get(), mesh_sent.get(),        mesh_overflowed.get(),
                refused_joins.get()};
    }
};

} // namespace imedge::server
