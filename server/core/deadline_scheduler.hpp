// Per-shard deadlines for every session's pings, pongs and handshake, on one timer (the
// Engine.IO heartbeat is its main user; it schedules deadlines, it does not beat).
#pragma once

#include "protocol/engineio/deadline_lanes.hpp"
#include "protocol/engineio/session.hpp"
#include "server/core/net.hpp"

#include <cstdint>
#include <memory>

namespace imedge::server {

class eio_session;

/// Each lane has one fixed delay, so deadlines pushed to a lane arrive in order and a lane is a
/// FIFO: scheduling is O(1), and one timer per shard serves every session (no per-session
/// timers). Stale entries are recognised by an epoch the session bumps.
/// Shard-local; start() and stop() on the shard thread.
class deadline_scheduler {
public:
    using lane = protocol::engineio::lane;
    using clock = std::chrono::steady_clock;

    deadline_scheduler(const executor& ex, clock::duration ping_interval,
                       clock::duration ping_timeout, clock::duration connect_timeout);

    void start();
    void stop();

    /// Calls the session's on_deadline(lane, epoch) once the lane's delay has passed.
    void schedule(lane l, const std::shared_ptr<eio_session>& s, std::uint32_t epoch);

private:
    struct entry {
        std::weak_ptr<eio_session> session;
        std::uint32_t epoch;
    };

    asio::awaitable<void> run();

    protocol::engineio::deadline_lanes<entry, 3, clock> lanes_;
    wake_timer timer_;
    bool stopped_ = false;
};

} // namespace imedge::server
