// Pending-handshake caps.
#include "server/core/admission.hpp"

#include <utility>

namespace imedge::server {

admission_ticket::admission_ticket(admission_ticket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), address_(std::move(other.address_)) {}

admission_ticket& admission_ticket::operator=(admission_ticket&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        address_ = std::move(other.address_);
    }
    return *this;
}

void admission_ticket::release() {
    if (auto* owner = std::exchange(owner_, nullptr))
        owner->release(address_);
}

admission_ticket handshake_admission::admit(std::string_view address) {
    if (pending_ >= total_)
        return {};
    auto [it, inserted] = by_address_.try_emplace(std::string(address), 0);
    if (it->second >= per_address_)
        return {};
    ++it->second;
    gauge_.set(++pending_);
    return admission_ticket(*this, it->first);
}

std::size_t handshake_admission::pending(std::string_view address) const {
    auto it = by_address_.find(std::string(address));
    return it == by_address_.end() ? 0 : it->second;
}

void handshake_admission::release(const std::string& address) {
    gauge_.set(--pending_);
    if (auto it = by_address_.find(address); it != by_address_.end() && --it->second == 0)
        by_address_.erase(it);
}

} // namespace imedge::server
