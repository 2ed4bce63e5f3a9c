// server_ref, ack_sender and handshake_info: the handler API's calls, forwarded to the shard.
#include "server/api/handlers.hpp"

#include "server/core/shard.hpp"
#include "server/socketio/sio_socket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imedge::server {

namespace {
template <class Pairs>
std::optional<std::string_view> lookup(const Pairs& pairs, std::string_view name) {
    for (const auto& [key, value] : pairs)
        if (key == name)
            return std::string_view(value);
    return std::nullopt;
}
} // namespace

std::optional<std::string_view> handshake_info::query_param(std::string_view name) const {
    return lookup(query, name);
}
std::optional<std::string_view> handshake_info::header(std::string_view lower_name) const {
    return lookup(headers, lower_name);
}

void server_ref::emit(std::string_view event, const payload& data, const emit_options& o) const {
    shard_->socketio().broadcast(nsp_, encode_event(nsp_, event, data),
                                 rooms::broadcast_filter{o.to, o.skip});
}

void server_ref::send(const payload& data, const emit_options& o) const {
    emit("message", data, o);
}

void server_ref::emit_with_ack(std::string_view sid, std::string_view event, const payload& data,
                               std::chrono::milliseconds timeout, ack_callback done) const {
    shard_->socketio().emit_with_ack(nsp_, sid, event, data, timeout, std::move(done));
}

namespace {

// Turns a callback-style request into a value a coroutine can co_await. The callback may run
// before or after the coroutine suspends; both are on the same shard thread.
template <class T> class reply_slot {
public:
    explicit reply_slot(executor ex) : signal_(ex) {
        signal_.expires_at(std::chrono::steady_clock::time_point::max());
    }

    void set(T value) {
        value_ = std::move(value);
        done_ = true;
        signal_.cancel();
    }

    asio::awaitable<T> get() {
        if (!done_)
            co_await signal_.async_wait(asio::as_tuple(asio::use_awaitable));
        co_return std::move(value_);
    }

private:
    wake_timer signal_;
    T value_{};
    bool done_ = false;
};

} // namespace

boost::asio::awaitable<std::optional<args>>
server_ref::call(std::string sid, std::string event, payload data,
                 std::chrono::milliseconds timeout) const {
    auto slot = std::make_shared<reply_slot<std::optional<args>>>(shard_->get_executor());
    emit_with_ack(sid, event, data, timeout,
                  [slot](std::optional<args> a) { slot->set(std::move(a)); });
    co_return co_await slot->get();
}

boost::asio::awaitable<std::vector<std::string>> server_ref::fetch_rooms(std::string sid) const {
    auto slot = std::make_shared<reply_slot<std::vector<std::string>>>(shard_->get_executor());
    shard_->socketio().fetch_rooms(nsp_, sid,
                                   [slot](std::vector<std::string> r) { slot->set(std::move(r)); });
    co_return co_await slot->get();
}

boost::asio::awaitable<std::optional<session_data>>
server_ref::fetch_session(std::string sid) const {
    auto slot = std::make_shared<reply_slot<std::optional<session_data>>>(shard_->get_executor());
    shard_->socketio().fetch_session(
        nsp_, sid, std::nullopt,
        [slot](std::optional<session_data> d) { slot->set(std::move(d)); });
    co_return co_await slot->get();
}

boost::asio::awaitable<std::optional<session_data>>
server_ref::update_session(std::string sid, std::string key, std::string value) const {
    auto slot = std::make_shared<reply_slot<std::optional<session_data>>>(shard_->get_executor());
    shard_->socketio().fetch_session(
        nsp_, sid, std::pair{std::move(key), std::move(value)},
        [slot](std::optional<session_data> d) { slot->set(std::move(d)); });
    co_return co_await slot->get();
}

void server_ref::enter_room(std::string_view sid, std::string_view room) const {
    shard_->socketio().enter_room(nsp_, sid, room);
}

void server_ref::leave_room(std::string_view sid, std::string_view room) const {
    shard_->socketio().leave_room(nsp_, sid, room);
}

std::vector<std::string> server_ref::rooms(std::string_view sid) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    if (!s || s->member == 0)
        return {};
    return s->ns().registry.rooms_of(s->member);
}

std::vector<std::string> server_ref::local_sids(const emit_options& o) const {
    std::vector<std::string> out;
    auto* ns = shard_->socketio().find_namespace(nsp_);
    if (!ns)
        return out;
    ns->registry.for_each_member(rooms::broadcast_filter{o.to, o.skip}, [&](rooms::member_id m) {
        if (auto it = ns->members.find(m); it != ns->members.end())
            out.push_back(it->second->sid());
    });
    return out;
}

void server_ref::disconnect(std::string_view sid) const {
    shard_->socketio().disconnect(nsp_, sid);
}

session_data* server_ref::session(std::string_view sid) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    return s ? &s->data : nullptr;
}

std::size_t server_ref::shard_index() const {
    return shard_->index();
}

void ack_sender::operator()(const payload& data) {
    if (!id_)
        return;
    auto id = *id_;
    id_.reset(); // an ack is sent once
    if (auto socket = socket_.lock())
        socket->send(*encode_ack(socket->nsp(), id, data));
}

} // namespace imedge::server
