// Plain WebSocket connections: the open handler, a reader calling the message handler, a writer
// draining a bounded queue, and the close handler once both are done.
#include "server/plainws/plain_websocket.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/send_queue.hpp"
#include "server/engineio/transports.hpp"

#include "protocol/engineio/handshake.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>

namespace imedge::server {
namespace {

using namespace asio::experimental::awaitable_operators;
using protocol::engineio::frame_kind;

class plain_peer final : public websocket_peer, public plain_member {
public:
    explicit plain_peer(shard& owner)
        : owner_(owner), id_(owner.ids().next()),
          queue_(owner.get_executor(), owner.options().outbox_limit) {
        owner_.plain().add_peer(*this);
        owner_.plain().join(*this, id_); // so a publish can skip it by id from any shard
    }
    ~plain_peer() override {
        owner_.plain().forget_peer(*this);
        owner_.plain().remove(*this);
    }
    plain_peer(const plain_peer&) = delete;
    plain_peer& operator=(const plain_peer&) = delete;

    const std::string& id() const override { return id_; }
    void send(std::string_view data, frame_kind kind) override {
        deliver(frame{make_bytes(std::string(data)), kind});
    }
    server_ref io() const override { return server_ref(owner_, "/"); }
    void close() override { queue_.mark_closing(); }
    void close(std::uint16_t code, std::string_view reason) override {
        if (queue_.closing())
            return; // the first reason stands
        why_.code = code;
        why_.reason.assign(reason.data(), std::min(reason.size(), why_.reason.max_size()));
        queue_.mark_closing();
    }
    void join(std::string_view room) override { owner_.plain().join(*this, room); }
    void leave(std::string_view room) override { owner_.plain().leave(*this, room); }

    void publish(std::string_view room, std::string_view data, frame_kind kind,
                 self_delivery self) override {
        rooms::plain_broadcast m{
            {std::string(room)}, make_bytes(std::string(data)), kind == frame_kind::binary, {}};
        const plain_member* skip = self == self_delivery::exclude ? this : nullptr;
        owner_.fan_out(
            m, [&](const rooms::plain_broadcast& here) { owner_.plain().deliver(here, skip); });
    }

    outbox_level outbox() const override {
        return {queue_.frames().bytes(), owner_.options().outbox_limit};
    }
    void when_drained(std::size_t low_bytes, std::function<void()> f) override {
        queue_.when_drained(low_bytes, std::move(f));
    }

    void deliver(const frame& f) override {
        if (queue_.closing())
            return;
        if (!queue_.push(f)) { // a slow reader: drop what it has not read and close
            owner_.count_slow_reader();
            queue_.frames().clear();
            close(websocket::close_code::policy_error, "slow reader");
        }
    }

    send_queue& queue() { return queue_; }
    const websocket::close_reason& why() const { return why_; }
    const server_limits& limits() const { return owner_.options().limits; }

private:
    shard& owner_;
    std::string id_;
    send_queue queue_;
    websocket::close_reason why_{websocket::close_code::normal};
};

// What the open handler sees of the upgrade request (it lives only for the call).
handshake_info handshake_of(const http_exchange& ex) {
    handshake_info info;
    auto target = protocol::engineio::parse_target(ex.request.target());
    for (const auto& [name, value] : target.query)
        info.query.emplace_back(std::string(name), std::string(value));
    for (const auto& f : ex.request) {
        std::string name(f.name_string());
        for (auto& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        info.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    info.address = ex.origin.peer_address();
    return info;
}

asio::awaitable<void> read_messages(plain_peer& peer, ws_stream& ws,
                                    const websocket_message_handler& handler) {
    beast::flat_buffer buffer;
    // Every `packets_per_yield` messages the reader lets the shard's other handlers run, however
    // Beast completes reads of buffered messages (see polling.cpp).
    const auto every = peer.limits().packets_per_yield;
    std::size_t handed = 0;
    while (!peer.queue().closing()) {
        if (++handed % every == 0) {
            co_await asio::post(ws.get_executor(), asio::use_awaitable);
            continue; // closing() again first
        }
        auto [ec, n] = co_await ws.async_read(buffer, asio::as_tuple(asio::use_awaitable));
        if (ec)
            break;
        std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
        if (handler)
            handler(peer, data, ws.got_text() ? frame_kind::text : frame_kind::binary);
        buffer.consume(buffer.size());
    }
    peer.queue().mark_closing();
}

asio::awaitable<void> write_messages(plain_peer& peer, ws_stream& ws) {
    co_await write_frames(peer.queue(), ws, framing::by_beast, write_bounds_of(peer.limits()),
                          peer.why());
}

// Runs the close handler however the connection ends (an exception included).
struct close_notice {
    const websocket_close_handler& handler;
    server_ref io;
    const std::string& id;
    ~close_notice() {
        if (handler)
            handler(io, id);
    }
};

} // namespace

asio::awaitable<void> run_plain_websocket(shard& owner, http_exchange& ex,
                                          const websocket_handlers& handlers) {
    auto info = handlers.on_open ? handshake_of(ex) : handshake_info{};
    auto ws = co_await accept_websocket(ex, owner.options());
    if (!ws)
        co_return;
    socket_registration registration(owner, beast::get_lowest_layer(*ws));
    // Plain WebSocket peers have no heartbeat of their own: Beast pings one that has been silent
    // for half the idle timeout and drops it when silent for all of it.
    if (auto idle = owner.options().limits.plain_idle_ms) {
        websocket::stream_base::timeout t{};
        t.handshake_timeout =
            std::chrono::milliseconds(owner.options().limits.ws_handshake_timeout_ms);
        t.idle_timeout = std::chrono::milliseconds(idle);
        t.keep_alive_pings = true;
        ws->set_option(t);
    }
    plain_peer peer(owner);
    close_notice notice{handlers.on_close, peer.io(), peer.id()};
    if (handlers.on_open)
        handlers.on_open(peer, info);
    co_await (read_messages(peer, *ws, handlers.on_message) && write_messages(peer, *ws));
}

} // namespace imedge::server
