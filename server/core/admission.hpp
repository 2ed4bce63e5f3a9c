// Caps on sessions that have not finished their handshake, per client address and per shard.
#pragma once

#include "server/core/metrics.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace imedge::server {

class handshake_admission;

/// A pending session's place under the caps: released when the session completes its
/// handshake (release()) or ends (destructor). Move-only; empty when admission was refused.
class admission_ticket {
public:
    admission_ticket() = default;
    admission_ticket(admission_ticket&& other) noexcept;
    admission_ticket& operator=(admission_ticket&& other) noexcept;
    admission_ticket(const admission_ticket&) = delete;
    admission_ticket& operator=(const admission_ticket&) = delete;
    ~admission_ticket() { release(); }

    explicit operator bool() const { return owner_ != nullptr; }
    void release();

private:
    friend class handshake_admission;
    admission_ticket(handshake_admission& owner, std::string address)
        : owner_(&owner), address_(std::move(address)) {}

    handshake_admission* owner_ = nullptr;
    std::string address_;
};

/// Shard-local (tickets are taken and released on the shard thread). It must outlive its
/// tickets: the shard declares it before its io_context, whose destruction ends the last
/// coroutine holding a session. Cost: one map entry per address with a pending session.
class handshake_admission {
public:
    /// `gauge` (the shard's metrics) follows pending() for readers on other threads.
    handshake_admission(std::size_t per_address, std::size_t total, shard_counter& gauge)
        : per_address_(per_address), total_(total), gauge_(gauge) {}

    /// A ticket, or an empty one when `address` or the shard is at its cap.
    admission_ticket admit(std::string_view address);

    std::size_t pending() const { return pending_; }
    std::size_t pending(std::string_view address) const;

private:
    friend class admission_ticket;
    void release(const std::string& address);

    std::size_t per_address_;
    std::size_t total_;
    shard_counter& gauge_;
    std::size_t pending_ = 0;
    std::unordered_map<std::string, std::size_t> by_address_;
};

} // namespace imedge::server
