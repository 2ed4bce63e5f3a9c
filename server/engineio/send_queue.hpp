// The outgoing side of one connection: a bounded outbox, its writer's wake-up signal, and
// whether the connection is closing. Exactly one writer drains it.
#pragma once

#include "server/core/net.hpp"
#include "server/engineio/outbox.hpp"

#include <functional>
#include <tuple>
#include <vector>

namespace imedge::server {

/// Shard-local. The writer waits on `wait()` while the outbox is empty and the queue open.
class send_queue {
public:
    send_queue(executor ex, std::size_t limit) : box_(limit), wake_(ex) {}

    /// Queues a frame and wakes the writer. False when the bound would be passed (the caller
    /// decides what that means; usually: close with a reason).
    bool push(frame f) {
        if (!box_.push(std::move(f)))
            return false;
        notify();
        return true;
    }

    outbox& frames() { return box_; }
    const outbox& frames() const { return box_; }

    /// Takes the oldest frame (the writer, or a polling GET answering). Every pop goes through
    /// here so that drain watchers see the outbox shrink.
    frame pop() {
        frame f = box_.pop();
        if (!drain_watchers_.empty())
            release_drained();
        return f;
    }

    /// Posts `f` on this shard once the outbox holds at most `low_bytes` (at once, posted, when
    /// it already does): how a producer paces itself below the slow-reader bound. A watcher
    /// whose connection ends first is dropped unrun. Never runs `f` inside the call, so a
    /// watcher may send from it.
    void when_drained(std::size_t low_bytes, std::function<void()> f);
    bool closing() const { return closing_; }
    void mark_closing() {
        if (!closing_ && on_closing_)
            on_closing_(closing_arg_);
        closing_ = true;
        notify();
    }

    /// Called once, when the queue starts closing: the transport arms its close deadline there
    /// (its writer may be stuck in a write and cannot see the flag). A plain function and its
    /// argument: two words per connection. Clear it before the argument goes away.
    void on_closing(void (*f)(void*), void* arg) {
        on_closing_ = f;
        closing_arg_ = arg;
    }

    /// Wakes everyone waiting (the writer, or a pending long-poll GET). Touches the timer only
    /// when someone waits: a broadcast pushes many frames to a writer that is already awake, and
    /// each cancel() takes the reactor's lock.
    void notify() {
        if (!waiting_)
            return;
        waiting_ = false;
        wake_.cancel();
    }

    /// Suspends until notify() is called. Check your condition before calling: the wake-up
    /// is not remembered. The timer's own awaitable, not a coroutine around it: one frame
    /// less per wake-up, which a broadcast pays on every connection it reaches.
    asio::awaitable<std::tuple<boost::system::error_code>> wait();

private:
    struct drain_watcher {
        std::size_t low_bytes;
        std::function<void()> f;
    };
    void release_drained();

    outbox box_;
    wake_timer wake_;
    void (*on_closing_)(void*) = nullptr;
    void* closing_arg_ = nullptr;
    bool closing_ = false;
    bool waiting_ = false; // a wait() is pending that no notify() has woken yet
    std::vector<drain_watcher> drain_watchers_; // few: one per producer pacing itself
};

} // namespace imedge::server
