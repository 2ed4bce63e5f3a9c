// Deadlines in lanes of fixed delay: each lane is a FIFO, because every deadline pushed to it is
// "now + the lane's delay" and now only grows. Sans-IO (time comes in as a value); the deadline
// scheduler drives it with one timer per shard.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <deque>

namespace imedge::protocol::engineio {

template <class Entry, std::size_t Lanes, class Clock = std::chrono::steady_clock>
class deadline_lanes {
public:
    using time_point = typename Clock::time_point;
    using duration = typename Clock::duration;

    explicit deadline_lanes(std::array<duration, Lanes> delays) {
        for (std::size_t i = 0; i < Lanes; ++i)
            lanes_[i].delay = delays[i];
    }

    /// Adds `e`, due at now + the lane's delay. Returns that deadline, and whether it may be
    /// earlier than every deadline already held (only a push into an empty lane can be).
    std::pair<time_point, bool> push(std::size_t lane, Entry e, time_point now) {
        auto& l = lanes_[lane];
        auto due = now + l.delay;
        l.entries.push_back({due, std::move(e)});
        return {due, l.entries.size() == 1};
    }

    /// The earliest deadline held, or time_point::max() when there is none.
    time_point next() const {
        auto earliest = time_point::max();
        for (const auto& l : lanes_)
            if (!l.entries.empty() && l.entries.front().due < earliest)
                earliest = l.entries.front().due;
        return earliest;
    }

    /// Calls f(lane, Entry&&) for every entry due at or before `now`, lane by lane in order.
    template <class F> std::size_t pop_due(time_point now, F&& f) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < Lanes; ++i) {
            auto& q = lanes_[i].entries;
            while (!q.empty() && q.front().due <= now) {
                Entry e = std::move(q.front().entry);
                q.pop_front();
                f(i, std::move(e));
                ++n;
            }
        }
        return n;
    }

    std::size_t size() const {
        std::size_t n = 0;
        for (const auto& l : lanes_)
            n += l.entries.size();
        return n;
    }

    void clear() {
        for (auto& l : lanes_)
            l.entries.clear();
    }

private:
    struct item {
        time_point due;
        Entry entry;
    };
    struct lane_state {
        duration delay{};
        std::deque<item> entries;
    };
    std::array<lane_state, Lanes> lanes_;
};

} // namespace imedge::protocol::engineio
