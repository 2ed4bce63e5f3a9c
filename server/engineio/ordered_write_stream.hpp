// The stream layer under Beast's websocket::stream: writes one whole buffer sequence at a time,
// each with a deadline, and a close deadline after which the socket is reset.
#pragma once

#include "server/core/net.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <chrono>
#include <memory>

namespace imedge::server {

namespace beast = boost::beast;

/// Wraps `NextLayer` (a tcp::socket now, a TLS stream later) so that two writers can share it:
/// Beast (its pong and close frames, each one composed write of a whole frame, and its messages)
/// and the gathered writer (a batch of frames it encodes itself). Every async_write_some writes
/// its whole buffer sequence before the next one starts, so a control frame can never land
/// inside a partial batch.
///
/// Deadlines: a write that has not finished `write_timeout` after it started, or anything still
/// open past a close deadline (close_within), resets the connection (SO_LINGER 0: the kernel
/// frees the send buffer at once, the peer sees a reset) and fails every pending operation. One
/// timer, re-armed lazily: a write costs a clock read, not a timer operation.
///
/// Shard-local. The state is held inline, beside the socket that every write touches anyway,
/// not in an allocation of its own; the gate timer is made only when two writers meet. The
/// watchdog's handler finds the stream through `alive_`, which the destructor clears, because a
/// handler already queued cannot be cancelled.
template <class NextLayer> class ordered_write_stream {
    using clock = std::chrono::steady_clock;
    using timer_type = asio::basic_waitable_timer<clock, asio::wait_traits<clock>,
                                                  typename NextLayer::executor_type>;

public:
    using next_layer_type = NextLayer;
    using executor_type = typename NextLayer::executor_type;

    template <class... Args>
    explicit ordered_write_stream(Args&&... args)
        : next_(std::forward<Args>(args)...), timer_(next_.get_executor()) {}
    ordered_write_stream(const ordered_write_stream&) = delete;
    ordered_write_stream& operator=(const ordered_write_stream&) = delete;
    ~ordered_write_stream() {
        if (alive_)
            *alive_ = nullptr;
    }

    executor_type get_executor() { return next_.get_executor(); }
    NextLayer& next_layer() { return next_; }
    const NextLayer& next_layer() const { return next_; }

    void set_write_timeout(clock::duration d) { write_timeout_ = d; }

    /// From now on the connection may live at most `d` more: a close that cannot finish (a
    /// peer that stops reading) still releases the socket. Only ever shortens.
    void close_within(clock::duration d) {
        auto due = clock::now() + d;
        if (due < close_due_) {
            close_due_ = due;
            arm(due);
        }
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& b, Token&& token) {
        return next_.async_read_some(b, std::forward<Token>(token));
    }

    /// Writes all of `b` once no other write is in progress.
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& b, Token&& token) {
        return async_write_whole(
            b, [] { return true; }, std::forward<Token>(token));
    }

    /// As async_write_some, but gives up (operation_aborted, nothing written) if `still_wanted()`
    /// is false once it is this write's turn (e.g. the WebSocket was closed meanwhile).
    template <class ConstBuffers, class Pred, class Token>
    auto async_write_whole(const ConstBuffers& b, Pred still_wanted, Token&& token) {
        return asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
            write_op<ConstBuffers, Pred>{liveness(), b, std::move(still_wanted)}, token, next_);
    }

    /// The gathered writer's fast path, once per batch on every connection a broadcast reaches:
    /// when no write is in progress (`!busy()`), a coroutine claims the turn with begin_write(),
    /// writes to next_layer() itself and gives the turn back with end_write(): the same rules as
    /// async_write_whole without a composed operation around the write. When busy(), use
    /// async_write_whole.
    bool busy() const { return writing_; }
    void begin_write() {
        writing_ = true;
        write_due_ = clock::now() + write_timeout_;
        if (write_due_ < armed_for_)
            arm(write_due_);
    }
    void end_write() {
        writing_ = false;
        write_due_ = clock::time_point::max();
        if (waiters_)
            gate_->cancel();
    }

private:
    using liveness_token = std::weak_ptr<ordered_write_stream*>;

    // Beast's own writes (handshake answer, pong, close) and a gathered write that found the
    // stream busy. The stream may be destroyed while one waits or writes (Beast allows it: its
    // operations then complete with operation_aborted), so each step looks it up again.
    template <class ConstBuffers, class Pred> struct write_op {
        liveness_token alive;
        ConstBuffers buffers;
        Pred still_wanted;
        enum class step : std::uint8_t { start, waiting, writing } at = step::start;

        template <class Self>
        void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
            auto token = alive.lock();
            ordered_write_stream* s = token ? *token : nullptr;
            if (!s) {
                self.complete(asio::error::operation_aborted, 0);
                return;
            }
            switch (at) {
            case step::waiting:
                --s->waiters_;
                [[fallthrough]];
            case step::start:
                if (s->writing_) {
                    at = step::waiting;
                    ++s->waiters_;
                    s->gate().async_wait(std::move(self));
                    return;
                }
                if (!still_wanted()) {
                    self.complete(asio::error::operation_aborted, 0);
                    return;
                }
                s->begin_write();
                at = step::writing;
                asio::async_write(s->next_, buffers, std::move(self));
                return;
            case step::writing:
                s->end_write();
                self.complete(ec, n);
                return;
            }
        }
    };

    // Made when two writers first meet (rare: Beast's pong or close during a gathered write).
    timer_type& gate() {
        if (!gate_) {
            gate_ = std::make_unique<timer_type>(next_.get_executor());
            gate_->expires_at(clock::time_point::max());
        }
        return *gate_;
    }

    liveness_token liveness() {
        if (!alive_)
            alive_ = std::make_shared<ordered_write_stream*>(this);
        return alive_;
    }

    // Arms the watchdog for `due` (earlier than what it waits for now).
    void arm(clock::time_point due) {
        armed_for_ = due;
        timer_.expires_at(due);
        timer_.async_wait([w = liveness()](boost::system::error_code ec) { on_timer(w, ec); });
    }

    static void on_timer(const liveness_token& w, boost::system::error_code ec) {
        if (ec)
            return; // re-armed or destroyed
        auto alive = w.lock();
        if (!alive || !*alive)
            return;
        auto& s = **alive;
        s.armed_for_ = clock::time_point::max();
        auto due = std::min(s.writing_ ? s.write_due_ : clock::time_point::max(), s.close_due_);
        if (due <= clock::now()) {
            reset(s.next_);
            return;
        }
        if (due != clock::time_point::max())
            s.arm(due);
    }

    static void reset(NextLayer& next) {
        auto& socket = beast::get_lowest_layer(next);
        boost::system::error_code ignored;
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }

    // Hot on every write, so beside the socket.
    NextLayer next_;
    bool writing_ = false;
    std::size_t waiters_ = 0; // writers waiting on gate_
    clock::duration write_timeout_ = std::chrono::seconds(30);
    clock::time_point write_due_ = clock::time_point::max();
    clock::time_point armed_for_ = clock::time_point::max();
    clock::time_point close_due_ = clock::time_point::max();
    timer_type timer_;                 // the deadline watchdog
    std::unique_ptr<timer_type> gate_; // waiters for the write in progress; cancelled at its end
    std::shared_ptr<ordered_write_stream*> alive_; // made on first need: see liveness()
};

// Beast's closing handshake tears the layer below down.
template <class NextLayer, class Handler>
void async_teardown(beast::role_type role, ordered_write_stream<NextLayer>& stream,
                    Handler&& handler) {
    using beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::forward<Handler>(handler));
}

template <class NextLayer>
void teardown(beast::role_type role, ordered_write_stream<NextLayer>& stream,
              boost::system::error_code& ec) {
    using beast::websocket::teardown;
    teardown(role, stream.next_layer(), ec);
}

} // namespace imedge::server
