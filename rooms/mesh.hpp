// The cross-shard rings: one bounded single-producer/single-consumer queue per ordered pair of
// shards (seastar's smp_message_queue, boost::lockfree::spsc_queue underneath). The rings and
// the wake-up flags are the only memory that two shard threads touch.
#pragma once

#include <boost/lockfree/spsc_queue.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace imedge::rooms {

struct mesh_stats {
    std::uint64_t sent = 0;
    std::uint64_t overflowed = 0; // messages that found their ring full and waited in overflow
};

/// N x N rings carrying `Message` values (moved in, moved out; a heap node each).
///
/// Thread safety: `send(from, ...)` and `flush_overflow(from)` only on shard `from`'s thread;
/// `drain(to, ...)` only on shard `to`'s thread. `set_waker` before any shard runs.
/// A full ring is never dropped: the message waits in the sender's overflow queue (order kept)
/// and the sender is asked, through `retry`, to call flush_overflow later.
template <class Message> class mesh {
public:
    /// `wake(to)`: make shard `to` call drain(to) soon; called from any shard, thread-safe.
    /// `retry(from)`: make shard `from` call flush_overflow(from) soon.
    using callback = std::function<void(std::size_t)>;

    mesh(std::size_t shards, std::size_t ring_capacity) : shards_(shards), lanes_(shards * shards) {
        for (auto& lane : lanes_)
            lane = std::make_unique<lane_type>(ring_capacity);
        for (std::size_t i = 0; i < shards; ++i)
            inboxes_.push_back(std::make_unique<inbox>());
        stats_.resize(shards);
    }

    void set_callbacks(callback wake, callback retry) {
        wake_ = std::move(wake);
        retry_ = std::move(retry);
    }

    std::size_t shards() const { return shards_; }

    void send(std::size_t from, std::size_t to, Message message) {
        auto& lane = at(from, to);
        auto node = std::make_unique<Message>(std::move(message));
        ++stats_[from].value.sent;
        if (!lane.overflow.empty() || !lane.ring.push(node.get())) {
            ++stats_[from].value.overflowed;
            bool first = lane.overflow.empty();
            lane.overflow.push_back(std::move(node));
            if (first)
                retry_(from);
            return;
        }
        node.release();
        notify(to);
    }

    /// Moves waiting overflow messages into their rings; asks for another retry if some remain.
    void flush_overflow(std::size_t from) {
        bool remaining = false;
        for (std::size_t to = 0; to < shards_; ++to) {
            auto& lane = at(from, to);
            bool moved = false;
            while (!lane.overflow.empty() && lane.ring.push(lane.overflow.front().get())) {
                lane.overflow.front().release();
                lane.overflow.pop_front();
                moved = true;
            }
            if (moved)
                notify(to);
            remaining = remaining || !lane.overflow.empty();
        }
        if (remaining)
            retry_(from);
    }

    /// Hands every waiting message for shard `to` to `handle(from, Message&&)`, in per-sender
    /// order.
    template <class F> std::size_t drain(std::size_t to, F&& handle) {
        // Clear, then look: the fence keeps the pops below from being satisfied before the
        // clear is visible (see notify for the pairing).
        inboxes_[to]->wake_pending.store(false, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        std::size_t count = 0;
        for (std::size_t from = 0; from < shards_; ++from) {
            auto& ring = at(from, to).ring;
            Message* raw = nullptr;
            while (ring.pop(raw)) {
                std::unique_ptr<Message> node(raw);
                handle(from, std::move(*node));
                ++count;
            }
        }
        return count;
    }

    mesh_stats stats(std::size_t shard) const { return stats_[shard].value; }

    /// Messages shard `from` still holds in overflow (call on shard `from` only).
    std::size_t overflow_size(std::size_t from) const {
        std::size_t n = 0;
        for (std::size_t to = 0; to < shards_; ++to)
            n += lanes_[from * shards_ + to]->overflow.size();
        return n;
    }

private:
    struct lane_type {
        explicit lane_type(std::size_t capacity) : ring(capacity) {}
        boost::lockfree::spsc_queue<Message*> ring;
        std::deque<std::unique_ptr<Message>> overflow; // sender's thread only
    };
    struct alignas(64) inbox {
        std::atomic<bool> wake_pending{false};
    };
    struct alignas(64) padded_stats {
        mesh_stats value;
    };

    lane_type& at(std::size_t from, std::size_t to) { return *lanes_[from * shards_ + to]; }

    // At most one wake-up per batch: only the sender that flips the flag posts.
    //
    // The sender pushes then reads the flag; the receiver clears the flag then pops. That is
    // the store-buffering pattern: with only acquire/release each side may miss the other's
    // write (the sender sees "drain pending", the receiver's pop sees an empty ring) and the
    // message waits for the next wake-up, which may never come (issue 8 item 6). A seq_cst
    // fence on each side between its write and its read rules that out: either the sender
    // sees the cleared flag and posts, or the receiver's pop sees the message.
    void notify(std::size_t to) {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (!inboxes_[to]->wake_pending.exchange(true, std::memory_order_acq_rel))
            wake_(to);
    }

    std::size_t shards_;
    std::vector<std::unique_ptr<lane_type>> lanes_;
    std::vector<std::unique_ptr<inbox>> inboxes_;
    std::vector<padded_stats> stats_;
    callback wake_;
    callback retry_;
};

} // namespace imedge::rooms
