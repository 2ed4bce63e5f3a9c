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
    std::uint64_t overflowed = 0;    // messages that found their ring full and waited in overflow
    std::uint64_t dropped = 0;       // droppable messages refused: their lane was over its bytes
    std::uint64_t dropped_bytes = 0; // their approximate payload bytes
};

/// Whether a message may be refused when its lane is over its byte bound. `required` is for
/// messages whose loss would leak or lie (a descriptor changing hands, a room change a handler
/// was told had happened); they still count towards the bound, so droppable ones go first.
enum class delivery : std::uint8_t { droppable, required };

enum class send_status : std::uint8_t {
    sent,    // in the ring
    queued,  // in the sender's overflow queue, in order, until the ring has room
    dropped, // refused (and counted): the lane holds more than its byte bound
};

/// Default bound on the approximate payload bytes one lane (ring + overflow, one ordered pair
/// of shards) may hold: a receiver that stops draining costs its senders at most this each.
inline constexpr std::size_t default_lane_bytes = 16u << 20;

/// N x N rings carrying `Message` values (moved in, moved out; a heap node each).
///
/// Thread safety: `send(from, ...)` and `flush_overflow(from)` only on shard `from`'s thread;
/// `drain(to, ...)` only on shard `to`'s thread. `set_waker` before any shard runs.
/// A full ring is never dropped: the message waits in the sender's overflow queue (order kept)
/// and the sender is asked, through `retry`, to call flush_overflow later.
///
/// Memory: each lane is bounded in bytes, not messages (issue 8 item 9). The sender states each
/// message's approximate payload bytes; while a lane (its ring plus its overflow) holds more
/// than `lane_bytes`, a droppable message is refused: send() returns `dropped` and the sender's
/// stats count it. That is the policy, not backpressure: emits are fire-and-forget in the
/// handler API (as in socket.io's adapter), a receiver that does not drain must not grow its
/// senders' memory, and every request has a deadline on its asking shard that answers for a
/// dropped request or reply. The caller learns the status and may count or react.
template <class Message> class mesh {
public:
    /// `wake(to)`: make shard `to` call drain(to) soon; called from any shard, thread-safe.
    /// `retry(from)`: make shard `from` call flush_overflow(from) soon.
    using callback = std::function<void(std::size_t)>;

    mesh(std::size_t shards, std::size_t ring_capacity, std::size_t lane_bytes = default_lane_bytes)
        : shards_(shards), lane_bytes_(lane_bytes), lanes_(shards * shards) {
        for (auto& lane : lanes_)
            lane = std::make_unique<lane_type>(ring_capacity);
        for (std::size_t i = 0; i < shards; ++i)
            inboxes_.push_back(std::make_unique<inbox>());
        stats_.resize(shards);
    }

    ~mesh() {
        for (auto& lane : lanes_) {
            node* raw = nullptr;
            while (lane->ring.pop(raw))
                delete raw;
        }
    }
    mesh(const mesh&) = delete;
    mesh& operator=(const mesh&) = delete;

    void set_callbacks(callback wake, callback retry) {
        wake_ = std::move(wake);
        retry_ = std::move(retry);
    }

    std::size_t shards() const { return shards_; }

    send_status send(std::size_t from, std::size_t to, Message message, std::size_t bytes = 0,
                     delivery d = delivery::required) {
        auto& lane = at(from, to);
        auto& stats = stats_[from].value;
        if (d == delivery::droppable && pending_bytes(lane) + bytes > lane_bytes_) {
            ++stats.dropped;
            stats.dropped_bytes += bytes;
            return send_status::dropped;
        }
        auto n = std::make_unique<node>(std::move(message), bytes);
        ++stats.sent;
        if (!lane.overflow.empty() || !push(lane, n.get())) {
            ++stats.overflowed;
            bool first = lane.overflow.empty();
            lane.overflow_bytes += bytes;
            lane.overflow.push_back(std::move(n));
            if (first)
                retry_(from);
            return send_status::queued;
        }
        n.release();
        notify(to);
        return send_status::sent;
    }

    /// Moves waiting overflow messages into their rings; asks for another retry if some remain.
    void flush_overflow(std::size_t from) {
        bool remaining = false;
        for (std::size_t to = 0; to < shards_; ++to) {
            auto& lane = at(from, to);
            bool moved = false;
            while (!lane.overflow.empty()) {
                // Read before the push: once in the ring, the receiver may free the node.
                std::size_t bytes = lane.overflow.front()->bytes;
                if (!push(lane, lane.overflow.front().get()))
                    break;
                lane.overflow_bytes -= bytes;
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
        // Clear with a read-modify-write, not a store (see notify).
        inboxes_[to]->wake_pending.exchange(false, std::memory_order_acq_rel);
        std::size_t count = 0;
        for (std::size_t from = 0; from < shards_; ++from) {
            auto& lane = at(from, to);
            node* raw = nullptr;
            std::size_t freed = 0;
            while (lane.ring.pop(raw)) {
                std::unique_ptr<node> n(raw);
                freed += n->bytes;
                handle(from, std::move(n->message));
                ++count;
            }
            if (freed != 0)
                lane.ring_bytes.fetch_sub(freed, std::memory_order_relaxed);
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

    /// Approximate payload bytes lane (from, to) holds (call on shard `from` only).
    std::size_t pending_bytes(std::size_t from, std::size_t to) const {
        return pending_bytes(*lanes_[from * shards_ + to]);
    }
    std::size_t lane_bytes() const { return lane_bytes_; }

private:
    struct node {
        node(Message m, std::size_t b) : message(std::move(m)), bytes(b) {}
        Message message;
        std::size_t bytes;
    };
    struct lane_type {
        explicit lane_type(std::size_t capacity) : ring(capacity) {}
        boost::lockfree::spsc_queue<node*> ring;
        std::deque<std::unique_ptr<node>> overflow; // sender's thread only
        std::size_t overflow_bytes = 0;             // sender's thread only
        // Bytes in the ring: added by the sender on push, subtracted by the receiver per drain.
        alignas(64) std::atomic<std::size_t> ring_bytes{0};
    };

    static std::size_t pending_bytes(const lane_type& lane) {
        return lane.ring_bytes.load(std::memory_order_relaxed) + lane.overflow_bytes;
    }
    // Counts the bytes before the push, so the receiver never subtracts what was not added.
    static bool push(lane_type& lane, node* n) {
        lane.ring_bytes.fetch_add(n->bytes, std::memory_order_relaxed);
        if (lane.ring.push(n))
            return true;
        lane.ring_bytes.fetch_sub(n->bytes, std::memory_order_relaxed);
        return false;
    }
    struct alignas(64) inbox {
        std::atomic<bool> wake_pending{false};
    };
    struct alignas(64) padded_stats {
        mesh_stats value;
    };

    lane_type& at(std::size_t from, std::size_t to) { return *lanes_[from * shards_ + to]; }

    // At most one wake-up per batch: only the sender that flips the flag posts.
    //
    // The sender pushes then flips the flag; the receiver clears the flag then pops. With a
    // plain store for the clear that is the store-buffering pattern: each side may miss the
    // other's write (the sender sees "drain pending", the receiver's pop an empty ring) and the
    // message waits for the next wake-up, which may never come (issue 8 item 6). With both
    // sides doing an acq_rel read-modify-write on the flag, the two are ordered in the flag's
    // modification order: either the sender's exchange reads the cleared flag and posts, or
    // the receiver's exchange reads the sender's `true` and so synchronizes with it, and its
    // pops see the push. (No fences: ThreadSanitizer does not model them.)
    void notify(std::size_t to) {
        if (!inboxes_[to]->wake_pending.exchange(true, std::memory_order_acq_rel))
            wake_(to);
    }

    std::size_t shards_;
    std::size_t lane_bytes_;
    std::vector<std::unique_ptr<lane_type>> lanes_;
    std::vector<std::unique_ptr<inbox>> inboxes_;
    std::vector<padded_stats> stats_;
    callback wake_;
    callback retry_;
};

} // namespace imedge::rooms
