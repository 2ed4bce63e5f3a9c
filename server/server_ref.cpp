// server_ref, ack_sender and handshake_info: the handler API's calls, forwarded to the shard.
#include "handlers.hpp"

#include "shard.hpp"
#include "sio_socket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imedge::server {

namespace {
template <class Pairs> std::optional<std::string_view> lookup(const Pairs& pairs, std::string_view name) {
    for (const auto& [key, value] : pairs)
        if (key == name) return std::string_view(value);
    return std::nullopt;
}
} // namespace

std::optional<std::string_view> handshake_info::query_param(std::string_view name) const { return lookup(query, name); }
std::optional<std::string_view> handshake_info::header(std::string_view lower_name) const { return lookup(headers, lower_name); }

void server_ref::emit(std::string_view event, const payload& data, const emit_options& o) const {
    shard_->socketio().broadcast(nsp_, encode_event(nsp_, event, data), rooms::broadcast_filter{o.to, o.skip});
}

void server_ref::send(const payload& data, const emit_options& o) const { emit("message", data, o); }

void server_ref::emit_with_ack(std::string_view sid, std::string_view event, const payload& data,
                               std::chrono::milliseconds timeout, ack_callback done) const {
    shard_->socketio().emit_with_ack(nsp_, sid, event, data, timeout, std::move(done));
}

boost::asio::awaitable<std::optional<args>> server_ref::call(std::string sid, std::string event, payload data,
                                                             std::chrono::milliseconds timeout) const {
    struct state {
        explicit state(executor ex) : signal(ex) {}
        wake_timer signal;
        std::optional<args> result;
        bool done = false;
    };
    auto st = std::make_shared<state>(shard_->get_executor());
    st->signal.expires_at(std::chrono::steady_clock::time_point::max());
    emit_with_ack(sid, event, data, timeout, [st](std::optional<args> a) {
        st->result = std::move(a);
        st->done = true;
        st->signal.cancel();
    });
    if (!st->done) co_await st->signal.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return std::move(st->result);
}

void server_ref::enter_room(std::string_view sid, std::string_view room) const {
    shard_->socketio().enter_room(nsp_, sid, room);
}

void server_ref::leave_room(std::string_view sid, std::string_view room) const {
    shard_->socketio().leave_room(nsp_, sid, room);
}

std::vector<std::string> server_ref::rooms(std::string_view sid) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    if (!s || s->member == 0) return {};
    return s->ns().registry.rooms_of(s->member);
}

void server_ref::disconnect(std::string_view sid) const { shard_->socketio().disconnect(nsp_, sid); }

session_data* server_ref::session(std::string_view sid) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    return s ? &s->data : nullptr;
}

std::size_t server_ref::shard_index() const { return shard_->index(); }

void ack_sender::operator()(const payload& data) {
    if (!id_) return;
    auto id = *id_;
    id_.reset(); // an ack is sent once
    if (auto socket = socket_.lock()) socket->send(*encode_ack(socket->nsp(), id, data));
}

} // namespace imedge::server
