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
/// Shard-local. The state lives behind a shared_ptr so that the timer's handler can tell that
/// the stream is gone.
template <class NextLayer> class ordered_write_stream {
    using clock = std::chrono::steady_clock;
    using timer_type = asio::basic_waitable_timer<clock, asio::wait_traits<clock>,
                                                  typename NextLayer::executor_type>;
    struct state : std::enable_shared_from_this<state> {
        template <class... Args>
        explicit state(Args&&... args)
            : next(std::forward<Args>(args)...), gate(next.get_executor()),
              timer(next.get_executor()) {
            gate.expires_at(clock::time_point::max());
        }
        NextLayer next;
        timer_type gate;  // waiters for the write in progress; cancelled when it ends
        timer_type timer; // the deadline watchdog
        clock::duration write_timeout = std::chrono::seconds(30);
        clock::time_point write_due = clock::time_point::max();
        clock::time_point close_due = clock::time_point::max();
        clock::time_point armed_for = clock::time_point::max();
        std::size_t waiters = 0;
        bool writing = false;
    };

public:
    using next_layer_type = NextLayer;
    using executor_type = typename NextLayer::executor_type;

    template <class... Args>
    explicit ordered_write_stream(Args&&... args)
        : s_(std::make_shared<state>(std::forward<Args>(args)...)) {}

    executor_type get_executor() { return s_->next.get_executor(); }
    NextLayer& next_layer() { return s_->next; }
    const NextLayer& next_layer() const { return s_->next; }

    void set_write_timeout(clock::duration d) { s_->write_timeout = d; }

    /// From now on the connection may live at most `d` more: a close that cannot finish (a
    /// peer that stops reading) still releases the socket. Only ever shortens.
    void close_within(clock::duration d) {
        auto due = clock::now() + d;
        if (due < s_->close_due) {
            s_->close_due = due;
            arm(*s_, due);
        }
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& b, Token&& token) {
        return s_->next.async_read_some(b, std::forward<Token>(token));
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
            write_op<ConstBuffers, Pred>{s_, b, std::move(still_wanted)}, token, s_->next);
    }

private:
    template <class ConstBuffers, class Pred> struct write_op {
        std::shared_ptr<state> s;
        ConstBuffers buffers;
        Pred still_wanted;
        enum class step : std::uint8_t { start, waiting, writing } at = step::start;

        template <class Self>
        void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
            switch (at) {
            case step::waiting:
                --s->waiters;
                [[fallthrough]];
            case step::start:
                if (s->writing) {
                    at = step::waiting;
                    ++s->waiters;
                    s->gate.async_wait(std::move(self));
                    return;
                }
                if (!still_wanted()) {
                    self.complete(asio::error::operation_aborted, 0);
                    return;
                }
                s->writing = true;
                s->write_due = clock::now() + s->write_timeout;
                if (s->write_due < s->armed_for)
                    arm(*s, s->write_due);
                at = step::writing;
                asio::async_write(s->next, buffers, std::move(self));
                return;
            case step::writing:
                s->writing = false;
                s->write_due = clock::time_point::max();
                if (s->waiters)
                    s->gate.cancel();
                self.complete(ec, n);
                return;
            }
        }
    };

    // Arms the watchdog for `due` (earlier than what it waits for now).
    static void arm(state& st, clock::time_point due) {
        st.armed_for = due;
        st.timer.expires_at(due);
        st.timer.async_wait(
            [w = st.weak_from_this()](boost::system::error_code ec) { on_timer(w, ec); });
    }

    static void on_timer(const std::weak_ptr<state>& w, boost::system::error_code ec) {
        if (ec)
            return; // re-armed or destroyed
        auto s = w.lock();
        if (!s)
            return;
        s->armed_for = clock::time_point::max();
        auto due = std::min(s->writing ? s->write_due : clock::time_point::max(), s->close_due);
        if (due <= clock::now()) {
            reset(s->next);
            return;
        }
        if (due != clock::time_point::max())
            arm(*s, due);
    }

    static void reset(NextLayer& next) {
        auto& socket = beast::get_lowest_layer(next);
        boost::system::error_code ignored;
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }

    std::shared_ptr<state> s_;
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
