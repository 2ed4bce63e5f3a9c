// The Idempotency-Key memory.
#include "push/http_api_idempotency.hpp"

namespace imedge::push {

void idempotency_cache::expire(clock::time_point now) {
    // The front is the oldest; stale positions (a key forgotten, or seen again after it was
    // forgotten) are dropped as they come up.
    while (!order_.empty()) {
        auto& [key, serial] = order_.front();
        auto it = entries_.find(key);
        bool stale = it == entries_.end() || it->second.serial != serial;
        if (!stale && now - it->second.at < window_ && entries_.size() < capacity_)
            break;
        if (!stale)
            entries_.erase(it);
        order_.pop_front();
    }
}

idempotency_cache::lookup idempotency_cache::begin(std::string_view key, std::uint64_t fingerprint,
                                                   clock::time_point now) {
    std::lock_guard lock(mutex_);
    std::string k(key);
    if (auto it = entries_.find(k); it != entries_.end() && now - it->second.at < window_) {
        if (it->second.fingerprint != fingerprint)
            return {verdict::mismatch, {}};
        if (!it->second.done)
            return {verdict::in_progress, {}};
        return {verdict::replay, it->second.answer};
    }
    entries_.erase(k); // an expired entry of the same key (its position is stale now)
    expire(now);       // makes room: at most capacity - 1 entries remain
    auto serial = next_serial_++;
    entries_[k] = entry{fingerprint, now, serial, false, {}};
    order_.emplace_back(std::move(k), serial);
    if (order_.size() > 2 * capacity_)
        compact();
    return {verdict::fresh, {}};
}

void idempotency_cache::compact() {
    std::deque<std::pair<std::string, std::uint64_t>> live;
    for (auto& [key, serial] : order_)
        if (auto it = entries_.find(key); it != entries_.end() && it->second.serial == serial)
            live.emplace_back(std::move(key), serial);
    order_ = std::move(live);
}

void idempotency_cache::finish(std::string_view key, stored_answer answer) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(std::string(key)); it != entries_.end()) {
        it->second.done = true;
        it->second.answer = std::move(answer);
    }
}

void idempotency_cache::forget(std::string_view key) {
    std::lock_guard lock(mutex_);
    entries_.erase(std::string(key));
}

std::size_t idempotency_cache::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

std::uint64_t fingerprint_of(std::string_view route, std::string_view body) {
    std::uint64_t h = 14695981039346656037ULL;
    auto mix = [&](std::string_view part) {
        for (char c : part) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ULL;
        }
        h ^= 0xff; // separates the parts: ("ab","c") and ("a","bc") differ
        h *= 1099511628211ULL;
    };
    mix(route);
    mix(body);
    return h;
}

} // namespace imedge::push
