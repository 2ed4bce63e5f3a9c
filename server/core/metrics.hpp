// A shard's counters, readable from any thread without asking the shard.
#pragma once

#include "server/api/counters.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

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
    shard_counter accepted;         // TCP connections served (adopted ones included)
    shard_counter accept_backoffs;  // pauses for EMFILE/ENFILE
    shard_counter slow_readers;     // connections closed because their outbox was full
    shard_counter handed_over;      // connections passed to the shard owning their sid
    shard_counter forwarded;        // polling requests forwarded to the shard owning their sid
    shard_counter forward_timeouts; // of those, unanswered by the deadline (connection closed)
    shard_counter node_relays;      // requests relayed to the node owning their sid
    shard_counter
        node_relay_failures;          // of those, answered 502/503 here (owner unknown, down, busy)
    shard_counter node_relays_open;   // relays in progress, relayed WebSockets included (gauge)
    shard_counter sessions;           // open Engine.IO sessions (gauge)
    shard_counter pending_sessions;   // of those, not yet past their handshake (gauge)
    shard_counter refused_handshakes; // handshakes refused by the pending-session caps
    shard_counter refused_origins;    // WebSocket upgrades refused by the CORS allow-list
    shard_counter mesh_sent;          // cross-shard messages sent
    shard_counter mesh_overflowed;    // of those, how many found their ring full
    shard_counter refused_joins;      // room joins refused by max_rooms_per_socket (any caller)
    shard_counter parked_gets;        // long-polling GETs held open, waiting for data (gauge)
    shard_counter pings_sent;         // Engine.IO pings queued to clients
    shard_counter pongs_received;     // Engine.IO pongs received from clients

    shard_counter attachment_timeouts; // sessions closed: a binary packet's parts came too late
    shard_counter acks_awaited;        // server-to-client acks waited for (gauge)

    shard_counters snapshot() const {
        return {accepted.get(),
                accept_backoffs.get(),
                slow_readers.get(),
                handed_over.get(),
                forwarded.get(),
                forward_timeouts.get(),
                node_relays.get(),
                node_relay_failures.get(),
                sessions.get(),
                pending_sessions.get(),
                refused_handshakes.get(),
                refused_origins.get(),
                mesh_sent.get(),
                mesh_overflowed.get(),
                refused_joins.get(),
                parked_gets.get(),
                pings_sent.get(),
                pongs_received.get(),
                attachment_timeouts.get(),
                acks_awaited.get()};
    }
};

/// Every shard's metrics in one place, so any shard can sum a field over all of them (GET
/// /healthz) without asking the others. Created before the shards and destroyed after them
/// (their coroutine frames still update counters while they unwind); shard i writes slot i only.
class metrics_board {
public:
    explicit metrics_board(std::size_t shards)
        : slots_(std::make_unique<shard_metrics[]>(shards)), size_(shards) {}

    std::size_t size() const { return size_; }
    shard_metrics& operator[](std::size_t shard) { return slots_[shard]; }
    const shard_metrics& operator[](std::size_t shard) const { return slots_[shard]; }
    /// One field summed over the shards: each term exact at a recent moment (relaxed loads).
    std::uint64_t sum(shard_counter shard_metrics::*field) const {
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < size_; ++i)
            total += (slots_[i].*field).get();
        return total;
    }

private:
    std::unique_ptr<shard_metrics[]> slots_;
    std::size_t size_;
};

/// Holds a gauge one higher for as long as it lives (a parked GET, while it waits).
class gauge_hold {
public:
    explicit gauge_hold(shard_counter& gauge) : gauge_(gauge) { gauge_.add(); }
    ~gauge_hold() { gauge_.sub(); }
    gauge_hold(const gauge_hold&) = delete;
    gauge_hold& operator=(const gauge_hold&) = delete;

private:
    shard_counter& gauge_;
};

} // namespace imedge::server
