// The per-device, per-conversation delivery cursor that makes catch-up exactly-once and in
// order: a device gets seq == delivered + 1 and nothing else. Live entries that run ahead are
// held (bounded) while the gap is fetched from the store; entries at or below the cursor are
// dropped. Sans-IO: each input returns what to deliver and whether to fetch.
#pragma once

#include "store/store.hpp"

#include <map>
#include <optional>
#include <vector>

namespace imedge::im {

/// What the caller does after one input: deliver `deliver` in order, then, if `fetch_after`
/// is set, read the entries after that seq from the store and feed them to on_fetched.
struct cursor_step {
    std::vector<store::message_ptr> deliver;
    std::optional<std::uint64_t> fetch_after;
};

/// Owned by one device on one shard. At most one fetch is outstanding at a time.
class delivery_cursor {
public:
    explicit delivery_cursor(std::uint64_t delivered = 0, std::size_t hold_limit = 1024)
        : delivered_(delivered), known_last_(delivered), hold_limit_(hold_limit) {}

    /// The store says the conversation has reached `last_seq`: fetch up to it if behind.
    cursor_step expect(std::uint64_t last_seq);
    /// A committed entry from the live feed (arrives in seq order, but may start past a gap).
    cursor_step on_live(const store::message_ptr& entry);
    /// A page the store returned for the last fetch (ascending). An empty page means the store
    /// has nothing more: the cursor stops asking.
    cursor_step on_fetched(const std::vector<store::message_ptr>& page);
    /// The last fetch failed: stop asking until new entries arrive.
    void on_fetch_failed();

    std::uint64_t delivered() const { return delivered_; }
    bool fetching() const { return fetching_; }
    /// Nothing known is missing and nothing is being fetched.
    bool caught_up() const { return !fetching_ && delivered_ >= known_last_; }
    std::size_t held() const { return held_.size(); }

private:
    void take(const store::message_ptr& entry, cursor_step& step);
    void drain(cursor_step& step);
    void fetch_if_behind(cursor_step& step);

    std::uint64_t delivered_;
    std::uint64_t known_last_; // the highest seq known to exist
    std::size_t hold_limit_;   // past it, live entries are dropped and fetched again later
    bool fetching_ = false;
    std::map<std::uint64_t, store::message_ptr> held_;
};

} // namespace imedge::im
