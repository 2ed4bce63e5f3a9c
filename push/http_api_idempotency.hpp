// The push API's Idempotency-Key memory: a key seen within the window answers what its first
// request answered and applies nothing again. Bounded: at most `capacity` keys, the oldest
// forgotten first, each for `window` at most.
//
// Thread-safe (one mutex): a backend's retry may come on a new connection that another shard
// accepted, so the keys cannot live on one shard without a hop for every request. The lock is
// taken twice per API request that carries a key, never on a client's path.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace imedge::push {

/// A stored answer to replay.
struct stored_answer {
    unsigned status = 200;
    std::string body;
};

class idempotency_cache {
public:
    using clock = std::chrono::steady_clock;

    idempotency_cache(std::size_t capacity, std::chrono::seconds window)
        : capacity_(capacity), window_(window) {}

    enum class verdict : std::uint8_t {
        fresh,       // first time: the caller applies the request, then calls finish()
        replay,      // seen and answered: `answer` is the first answer
        in_progress, // seen, its first request is still being applied
        mismatch     // seen with another request (route or body): refuse
    };
    struct lookup {
        verdict v = verdict::fresh;
        stored_answer answer;
    };

    /// Looks `key` up for a request whose route and body hash to `fingerprint`; a fresh key is
    /// reserved (in progress) until finish() or forget().
    lookup begin(std::string_view key, std::uint64_t fingerprint, clock::time_point now);
    /// Stores the answer of a fresh key's request.
    void finish(std::string_view key, stored_answer answer);
    /// Releases a fresh key whose request applied nothing (a retry may apply it).
    void forget(std::string_view key);

    std::size_t size() const;

private:
    struct entry {
        std::uint64_t fingerprint = 0;
        clock::time_point at;
        std::uint64_t serial = 0; // which position in order_ is this entry's
        bool done = false;
        stored_answer answer;
    };
    void expire(clock::time_point now);
    void compact();

    const std::size_t capacity_;
    const std::chrono::seconds window_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, entry> entries_;
    // Keys in the order they were first seen; a forgotten or replaced key's old position is
    // skipped when it reaches the front (its serial no longer matches), and the queue is
    // rebuilt when stale positions make it twice the capacity.
    std::deque<std::pair<std::string, std::uint64_t>> order_;
    std::uint64_t next_serial_ = 0;
};

/// FNV-1a over `parts`, for fingerprints (not a defence against a hostile backend: a key holder
/// is trusted; it only catches a key reused by mistake).
std::uint64_t fingerprint_of(std::string_view route, std::string_view body);

} // namespace imedge::push
