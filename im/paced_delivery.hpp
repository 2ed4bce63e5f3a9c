// The entries one device's cursors have released, waiting to go into its connection's outbox no
// faster than the device reads them: the flow control of catch-up. Sans-IO: the caller tells
// it how full the outbox is, and it answers what to send next, when to wait for the outbox to
// drain, and whether the next store page may be read.
#pragma once

#include "store/store.hpp"

#include <cstddef>
#include <deque>
#include <utility>

namespace imedge::im {

/// The marks, as fractions of the slow-reader bound (the outbox limit): entries go in while the
/// outbox stays at or under half of it, and the next page is read once it is down to a quarter.
/// The other half is room for the traffic that does not go through here (acks, receipts,
/// typing, presence).
struct pacing_marks {
    std::size_t high;
    std::size_t low;
    static pacing_marks of_limit(std::size_t outbox_limit) {
        return {outbox_limit / 2, outbox_limit / 4};
    }
};

/// An upper bound on the bytes of an entry's `message` frame (the Socket.IO packet text): its
/// body as stored, its strings as if every byte needed a six-byte escape, and the fixed fields.
std::size_t frame_bytes_bound(const store::message& m);

/// Owned by one device on one shard. Entries leave in the order they came.
class paced_delivery {
public:
    /// `max_entries`: past it, pacing gives up (overflowing()): the caller hands everything to
    /// the outbox, whose slow-reader bound then decides, as it did before pacing.
    paced_delivery(pacing_marks marks, std::size_t max_entries)
        : marks_(marks), max_entries_(max_entries) {}

    void push(store::message_ptr m) { queue_.push_back(std::move(m)); }

    /// The next entry to send into an outbox holding `outbox_bytes`, or null: nothing waits,
    /// or the outbox is too full; then wait until it holds at most wait_mark().
    store::message_ptr next(std::size_t outbox_bytes);
    /// Where to wait for the outbox to drain to before next() can give the head entry.
    std::size_t wait_mark() const;
    /// Nothing waits here and the outbox is down to the low mark: read the next page.
    bool may_read(std::size_t outbox_bytes) const {
        return queue_.empty() && outbox_bytes <= marks_.low;
    }
    std::size_t low_mark() const { return marks_.low; }

    bool overflowing() const { return queue_.size() > max_entries_; }
    /// Everything waiting, in order (when overflowing).
    std::deque<store::message_ptr> take_all() { return std::exchange(queue_, {}); }

    bool empty() const { return queue_.empty(); }
    std::size_t size() const { return queue_.size(); }

private:
    pacing_marks marks_;
    std::size_t max_entries_;
    std::deque<store::message_ptr> queue_;
};

} // namespace imedge::im
