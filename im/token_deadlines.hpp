// When each connection's token runs out, in time order, for one shard: the IM service arms one
// timer for the earliest deadline instead of polling its sockets. Pure (no clock, no timer):
// times come in as values.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace imedge::im {

/// Shard-local; O(log n) per change. One deadline per sid: arming again replaces it.
class token_deadlines {
public:
    /// Sets `sid`'s deadline to `at_ms` (replacing an earlier one). True when it is now the
    /// earliest of all: the caller's timer must be moved forward.
    bool arm(const std::string& sid, std::int64_t at_ms);
    /// Forgets `sid`'s deadline (the socket left, or its new token has no `exp`).
    void cancel(std::string_view sid);
    /// The earliest deadline, if any.
    std::optional<std::int64_t> next() const;
    /// Removes and returns, earliest first, the sids whose deadline is at or before `now_ms`.
    std::vector<std::string> take_due(std::int64_t now_ms);
    std::size_t size() const { return by_sid_.size(); }

private:
    std::set<std::pair<std::int64_t, std::string>> by_time_;
    std::unordered_map<std::string, std::int64_t> by_sid_;
};

} // namespace imedge::im
