// The WebSocket transport, direct or upgraded from polling (engine.io-protocol v4, "Upgrade").
#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/engineio/transports.hpp"

#include "protocol/websocket_frame.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/container/small_vector.hpp>

#include <span>

namespace imedge::server {
namespace {

namespace eio = protocol::engineio;
namespace act = eio::action;
using protocol::engineio::frame_kind;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

websocket::stream_base::timeout ws_timeouts(const server_limits& l,
                                            std::chrono::milliseconds idle) {
    websocket::stream_base::timeout t{};
    // Also bounds the closing handshake.
    t.handshake_timeout = std::chrono::milliseconds(l.ws_handshake_timeout_ms);
    t.idle_timeout = idle.count() > 0 ? std::chrono::steady_clock::duration(idle)
                                      : websocket::stream_base::none();
    t.keep_alive_pings = false; // Engine.IO has its own heartbeat
    return t;
}

std::string_view view(const beast::flat_buffer& b) {
    return {static_cast<const char*>(b.data().data()), b.size()};
}

// The reader's message buffer, kept small while the connection waits. Beast prepares the
// caller's buffer before it waits for a message (1,536 bytes: a TCP frame), and a flat_buffer
// keeps its capacity, so every idle connection held 1.5 KB it was not using. Here the first
// prepare after an empty buffer asks for at most `idle_bytes` (server_limits::ws_idle_read_bytes,
// by reporting that as the room left); once a message has started the real bound applies, so a
// larger message just takes one more copy. The reader shrinks the buffer back after each message.
class lean_read_buffer {
public:
    explicit lean_read_buffer(std::size_t idle_bytes) : idle_bytes_(idle_bytes) {}
    using const_buffers_type = beast::flat_buffer::const_buffers_type;
    using mutable_buffers_type = beast::flat_buffer::mutable_buffers_type;

    std::size_t size() const { return buffer_.size(); }
    std::size_t max_size() const { return fresh_ ? idle_bytes_ : buffer_.max_size(); }
    std::size_t capacity() const { return buffer_.capacity(); }
    const_buffers_type data() const { return buffer_.data(); }
    mutable_buffers_type prepare(std::size_t n) {
        fresh_ = false;
        return buffer_.prepare(n);
    }
    void commit(std::size_t n) { buffer_.commit(n); }
    void consume(std::size_t n) { buffer_.consume(n); }

    std::string_view view() const { return server::view(buffer_); }
    /// Forgets the message read, giving back any capacity past `idle_bytes`.
    void clear() {
        buffer_.consume(buffer_.size());
        if (buffer_.capacity() > idle_bytes_)
            buffer_.shrink_to_fit();
        fresh_ = true;
    }

private:
    beast::flat_buffer buffer_;
    std::size_t idle_bytes_;
    bool fresh_ = true;
};

template <class WsStream>
asio::awaitable<void> read_packets(std::shared_ptr<eio_session> s, WsStream& ws) {
    const auto& limits = s->owner().options().limits;
    lean_read_buffer buffer(limits.ws_idle_read_bytes);
    // Beast completes a read of an already-buffered message through a post, so other handlers
    // run between messages already; this bound does not depend on it (see polling.cpp).
    std::size_t handed = 0;
    while (!s->is_closed()) {
        if (++handed % limits.packets_per_yield == 0) {
            co_await asio::post(s->owner().get_executor(), asio::use_awaitable);
            continue; // is_closed() again first
        }
        auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
        if (ec) {
            s->feed(eio::input::transport_lost{ec == websocket::error::closed});
            co_return;
        }
        if (ws.got_text()) {
            auto p = protocol::engineio::decode_text_packet(buffer.view());
            if (!p) {
                s->feed(eio::input::bad_packet{});
                co_return;
            }
            s->receive(std::move(*p));
        } else {
            s->receive(protocol::engineio::binary_packet(buffer.view()));
        }
        buffer.clear();
    }
}

template <class WsStream>
asio::awaitable<void> write_packets(std::shared_ptr<eio_session> s, WsStream& ws) {
    bool clean = co_await write_frames(s->queue(), ws, framing::gathered,
                                       write_bounds_of(s->owner().options().limits));
    if (!clean)
        s->feed(eio::input::transport_lost{false});
}

} // namespace

namespace {

// One queued message, written by Beast.
template <class WsStream>
asio::awaitable<beast::error_code> write_one(send_queue& q, WsStream& ws) {
    frame f = q.pop();
    ws.text(f.kind == frame_kind::text);
    auto [ec, n] = co_await ws.async_write(asio::buffer(*f.bytes), use_tuple);
    co_return ec;
}

// Up to `max_frames` queued messages (`max_bytes`, or one message past it), framed here and
// written with one gather write.
//
// The batch lives in this coroutine's frame, which Asio recycles from a per-thread cache (the
// same size every call), so the usual batch of a few messages costs no allocation: inline room
// for `inline_frames`, the heap only past it. With std::vector the batch took three allocations
// per write, and a fourth for the copy async_write keeps of a vector of buffers (callgrind,
// broadcast to 1,000 at 5/s: about 600 of 3,500 instructions per delivery). async_write gets a
// span over the buffers instead: the frame outlives the write.
constexpr std::size_t inline_frames = 8;

// Writes what the socket takes now, without waiting: a batch usually fits the send buffer,
// and then the write costs one system call and no asynchronous operation (no operation object,
// no reactor registration, no completion posted back through the scheduler to resume the
// writer). In non-blocking mode a full buffer returns would_block (a blocking write would
// stall the shard) and the caller writes the rest asynchronously; the mode is set here, on the
// socket object that writes, because an upgrade may have moved the descriptor to a new one.
std::size_t write_now(tcp::socket& socket, std::span<const asio::const_buffer> buffers,
                      beast::error_code& ec) {
    if (!socket.non_blocking()) {
        socket.non_blocking(true, ec);
        if (ec)
            return 0;
    }
    std::size_t total = beast::buffer_bytes(buffers);
    std::size_t written = 0;
    while (written < total) {
        beast::buffers_suffix<std::span<const asio::const_buffer>> rest(buffers);
        rest.consume(written);
        std::size_t n = socket.write_some(rest, ec);
        if (ec) {
            if (ec == asio::error::would_block || ec == asio::error::try_again ||
                ec == asio::error::interrupted)
                ec = {};
            break;
        }
        written += n;
    }
    return written;
}

// Any other stream (TLS, next) has no write to try first: everything goes asynchronously.
template <class Stream>
std::size_t write_now(Stream&, std::span<const asio::const_buffer>, beast::error_code&) {
    return 0;
}

template <class WsStream>
asio::awaitable<beast::error_code> write_batch(send_queue& q, WsStream& ws, std::size_t max_frames,
                                               std::size_t max_bytes) {
    boost::container::small_vector<frame, inline_frames> batch;
    boost::container::small_vector<protocol::ws_frame_header, inline_frames> headers;
    boost::container::small_vector<asio::const_buffer, 2 * inline_frames> buffers;
    std::size_t bytes = 0;
    while (!q.frames().empty() && batch.size() < max_frames && bytes < max_bytes) {
        bytes += q.frames().front().bytes->size();
        batch.push_back(q.pop());
    }
    headers.reserve(batch.size());
    buffers.reserve(2 * batch.size());
    for (const auto& f : batch) {
        auto opcode =
            f.kind == frame_kind::text ? protocol::ws_opcode::text : protocol::ws_opcode::binary;
        headers.push_back(protocol::encode_ws_frame_header(opcode, f.bytes->size()));
        buffers.emplace_back(headers.back().bytes.data(), headers.back().size);
        buffers.emplace_back(f.bytes->data(), f.bytes->size());
    }
    std::span<const asio::const_buffer> gathered(buffers.data(), buffers.size());
    // Whole, and after any control frame Beast is writing; not at all once the WebSocket is
    // closed (Beast may have answered a close frame meanwhile).
    auto& stream = ws.next_layer();
    if (stream.busy()) {
        auto [ec, n] = co_await stream.async_write_whole(
            gathered, [&ws] { return ws.is_open(); }, use_tuple);
        co_return ec;
    }
    if (!ws.is_open())
        co_return asio::error::operation_aborted;
    stream.begin_write();
    beast::error_code ec;
    std::size_t written = write_now(stream.next_layer(), gathered, ec);
    if (!ec && written < beast::buffer_bytes(gathered)) {
        beast::buffers_suffix<std::span<const asio::const_buffer>> rest(gathered);
        rest.consume(written);
        auto [ec2, n] = co_await asio::async_write(stream.next_layer(), rest, use_tuple);
        ec = ec2;
    }
    stream.end_write();
    co_return ec;
}

} // namespace

template <class WsStream>
asio::awaitable<bool> write_frames(send_queue& q, WsStream& ws, framing how, write_bounds bounds,
                                   const websocket::close_reason& why) {
    const auto close_timeout = bounds.close_timeout;
    // The close deadline starts when the queue starts closing, even if this writer is stuck in
    // a write to a peer that stopped reading.
    struct deadline {
        WsStream* ws;
        std::chrono::milliseconds timeout;
    } d{&ws, close_timeout};
    q.on_closing(
        [](void* p) {
            auto* dl = static_cast<deadline*>(p);
            dl->ws->next_layer().close_within(dl->timeout);
        },
        &d);
    struct unhook {
        send_queue& q;
        ~unhook() { q.on_closing(nullptr, nullptr); }
    } guard{q};
    if (q.closing())
        ws.next_layer().close_within(close_timeout);
    for (;;) {
        while (!q.frames().empty()) {
            // (co_await inside a conditional expression miscompiles with GCC 12: keep them apart)
            beast::error_code ec;
            if (how == framing::gathered)
                ec = co_await write_batch(q, ws, bounds.batch_frames, bounds.batch_bytes);
            else
                ec = co_await write_one(q, ws);
            if (ec) {
                q.frames().clear();
                q.mark_closing();
                co_return false;
            }
        }
        if (q.closing()) {
            co_await ws.async_close(why, use_tuple);
            co_return true;
        }
        co_await q.wait();
    }
}

asio::awaitable<std::unique_ptr<ws_stream>> accept_websocket(http_exchange& ex,
                                                             const server_options& o) {
    auto stream = ex.origin.take_stream();
    auto* socket = std::get_if<tcp::socket>(&stream);
    if (!socket)
        co_return nullptr; // a forwarded request has no stream to upgrade
    auto ws = std::make_unique<ws_stream>(std::move(*socket));
    ws->next_layer().set_write_timeout(std::chrono::milliseconds(o.limits.write_timeout_ms));
    ws->set_option(ws_timeouts(o.limits, std::chrono::milliseconds(0)));
    ws->read_message_max(o.max_payload);
    ws->auto_fragment(false);
    auto [ec] = co_await ws->async_accept(ex.request, use_tuple);
    if (ec)
        co_return nullptr;
    co_return ws;
}

template <class WsStream>
asio::awaitable<void> run_websocket(std::shared_ptr<eio_session> s, WsStream& ws) {
    // The writer runs in a coroutine of its own and the reader in this one, which then waits for
    // the writer: 1.7 KB less RSS per idle connection than `read && write` (no parallel group, no
    // per-operation cancellation slots) and no slot handling on every read and write.
    auto ex = s->owner().get_executor();
    wake_timer writer_done(ex);
    writer_done.expires_at(std::chrono::steady_clock::time_point::max());
    bool finished = false;
    std::exception_ptr writer_error;
    asio::co_spawn(ex, write_packets(s, ws), [&](const std::exception_ptr& e) {
        finished = true;
        writer_error = e;
        if (e) {
            beast::error_code ignored;
            beast::get_lowest_layer(ws).cancel(ignored); // a throwing writer ends the reader
        }
        writer_done.cancel();
    });
    // The writer uses `ws` and this frame's locals: never leave before it has finished, not even
    // on an exception (which is rethrown, not swallowed).
    auto session = s;
    std::exception_ptr reader_error;
    try {
        co_await read_packets(std::move(s), ws);
    } catch (...) {
        reader_error = std::current_exception();
        session->feed(eio::input::transport_lost{false}); // ends the writer
    }
    // NOLINTNEXTLINE(bugprone-infinite-loop): the writer's completion handler sets it
    while (!finished)
        co_await writer_done.async_wait(use_tuple);
    if (reader_error)
        std::rethrow_exception(reader_error);
    if (writer_error)
        std::rethrow_exception(writer_error);
}

template <class WsStream>
asio::awaitable<void> upgrade_to_websocket(std::shared_ptr<eio_session> s, WsStream& ws) {
    const auto& o = s->owner().options();
    ws.set_option(ws_timeouts(o.limits, std::chrono::milliseconds(o.upgrade_timeout_ms)));
    beast::flat_buffer buffer;

    auto [ec1, n1] = co_await ws.async_read(buffer, use_tuple);
    if (ec1) {
        s->feed(eio::input::upgrade_failed{});
        co_return;
    }
    auto acts = s->feed(eio::input::probe_received{ws.got_text() && view(buffer) == "2probe"});
    if (find_action<act::refuse_upgrade>(acts)) {
        co_await ws.async_close(websocket::close_code::protocol_error, use_tuple);
        co_return;
    }
    buffer.consume(buffer.size());
    ws.text(true);
    auto [ec2, n2] = co_await ws.async_write(asio::buffer(std::string_view("3probe")), use_tuple);
    if (ec2) {
        s->feed(eio::input::upgrade_failed{});
        co_return;
    }

    auto [ec3, n3] = co_await ws.async_read(buffer, use_tuple);
    if (ec3) {
        s->feed(eio::input::upgrade_failed{});
        co_return;
    }
    acts = s->feed(eio::input::upgrade_received{ws.got_text() && view(buffer) == "5"});
    if (find_action<act::refuse_upgrade>(acts)) {
        co_await ws.async_close(websocket::close_code::protocol_error, use_tuple);
        co_return;
    }
    ws.set_option(ws_timeouts(o.limits, std::chrono::milliseconds(0)));
    co_await run_websocket(std::move(s), ws);
}

template <class WsStream> asio::awaitable<void> close_websocket(WsStream& ws) {
    co_await ws.async_close(websocket::close_code::normal, use_tuple);
}

// The stream types the transports run on: plain TCP today, TLS next (one line each here).
template asio::awaitable<bool> write_frames(send_queue&, ws_stream&, framing, write_bounds,
                                            const websocket::close_reason&);
template asio::awaitable<void> run_websocket(std::shared_ptr<eio_session>, ws_stream&);
template asio::awaitable<void> upgrade_to_websocket(std::shared_ptr<eio_session>, ws_stream&);
template asio::awaitable<void> close_websocket(ws_stream&);

} // namespace imedge::server
