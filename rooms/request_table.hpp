// The asking shard's side of cross-shard requests (seastar's smp service groups, socket.io-adapter
// cluster-adapter's `requests` map): ids, expected reply counts and deadlines. Pure: no I/O, no
// clock; time comes in as a value, so tests drive it with a fake clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace imedge::rooms {

using request_id = std::uint64_t;
using request_clock = std::chrono::steady_clock;

/// What a request message carries so that its answer finds the way back: the asking shard and
/// the id its table handed out.
struct request_header {
    std::size_t origin = 0;
    request_id id = 0;
};

/// What the asker learns: the replies that came (in arrival order) and how many were expected.
/// Fewer than expected means the deadline passed first (N of M).
template <class Reply> struct request_result {
    std::vector<Reply> replies;
    std::size_t expected = 0;
    bool complete() const { return replies.size() == expected; }
};

struct request_stats {
    std::uint64_t opened = 0;
    std::uint64_t completed = 0;       // every expected reply came before the deadline
    std::uint64_t expired = 0;         // the deadline passed first (the partial result delivered)
    std::uint64_t cancelled = 0;       // the asker gave up; its completion never runs
    std::uint64_t dropped_replies = 0; // replies for no open request: late, cancelled or unknown
};

/// Outstanding requests of one shard. Only that shard's thread touches it.
///
/// Cost: open/deliver/cancel O(log n) (the deadline index), expire O(expired log n). A completion
/// runs exactly once, after the table has forgotten its request, so it may open new requests.
template <class Reply> class request_table {
public:
    using result = request_result<Reply>;
    using completion = std::function<void(result)>;
    using time_point = request_clock::time_point;

    /// Opens a request that expects `expected` replies by `deadline`. With `expected == 0` the
    /// completion runs at once with an empty, complete result.
    request_id open(std::size_t expected, time_point deadline, completion done) {
        auto id = next_id_++;
        ++stats_.opened;
        if (expected == 0) {
            ++stats_.completed;
            done(result{{}, 0});
            return id;
        }
        entry e{deadline, std::move(done), {}};
        e.partial.expected = expected;
        e.partial.replies.reserve(expected);
        open_.emplace(id, std::move(e));
        deadlines_.emplace(deadline, id);
        return id;
    }

    /// Hands one reply to request `id`; the completion runs when it was the last expected one.
    /// Returns false (and counts it) when no such request is open: a reply after the deadline,
    /// after cancel, or a duplicate beyond the expected count.
    bool deliver(request_id id, Reply reply) {
        auto it = open_.find(id);
        if (it == open_.end()) {
            ++stats_.dropped_replies;
            return false;
        }
        auto& e = it->second;
        e.partial.replies.push_back(std::move(reply));
        if (e.partial.replies.size() < e.partial.expected)
            return true;
        ++stats_.completed;
        finish(it);
        return true;
    }

    /// Completes, with what has arrived, every request whose deadline is at or before `now`.
    /// Returns how many it completed.
    std::size_t expire(time_point now) {
        std::size_t n = 0;
        while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
            auto id = deadlines_.begin()->second;
            auto it = open_.find(id);
            ++stats_.expired;
            ++n;
            finish(it);
        }
        return n;
    }

    /// Forgets request `id` without running its completion (its asker is gone); replies that
    /// still come are dropped and counted.
    void cancel(request_id id) {
        auto it = open_.find(id);
        if (it == open_.end())
            return;
        deadlines_.erase({it->second.deadline, id});
        open_.erase(it);
        ++stats_.cancelled;
    }

    /// The earliest deadline of an open request, if any (what the shard's one timer waits for).
    std::optional<time_point> next_deadline() const {
        if (deadlines_.empty())
            return std::nullopt;
        return deadlines_.begin()->first;
    }

    std::size_t size() const { return open_.size(); }
    const request_stats& stats() const { return stats_; }

private:
    struct entry {
        time_point deadline;
        completion done;
        result partial;
    };
    using entry_map = std::unordered_map<request_id, entry>;

    void finish(typename entry_map::iterator it) {
        auto id = it->first;
        auto e = std::move(it->second);
        deadlines_.erase({e.deadline, id});
        open_.erase(it);
        if (e.done)
            e.done(std::move(e.partial));
    }

    request_id next_id_ = 1;
    entry_map open_;
    std::set<std::pair<time_point, request_id>> deadlines_;
    request_stats stats_;
};

} // namespace imedge::rooms
