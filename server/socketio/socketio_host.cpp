// Socket.IO per-shard state, emits and cross-shard operations.
#include "server/socketio/socketio_host.hpp"

#include "server/api/app.hpp"
#include "server/core/ids.hpp"
#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/socketio/sio_connection.hpp"
#include "server/socketio/sio_socket.hpp"

namespace imedge::server {

socketio_host::socketio_host(shard& owner) : owner_(owner) {
    for (const auto& [name, handlers] : owner.config().namespaces)
        namespaces_.try_emplace(name, name, &handlers, owner.options().limits.max_rooms_per_socket);
}

namespace_state* socketio_host::find_namespace(std::string_view nsp) {
    auto it = namespaces_.find(nsp);
    return it == namespaces_.end() ? nullptr : &it->second;
}

void socketio_host::add_socket(sio_socket& s, sio_connection& connection) {
    s.ns().registry.join(&s, s.sid());
    sockets_.emplace(s.sid(), socket_entry{&s, &connection});
}

void socketio_host::remove_socket(sio_socket& s) {
    s.ns().registry.leave_all(&s);
    if (auto it = sockets_.find(s.sid()); it != sockets_.end() && it->second.socket == &s)
        sockets_.erase(it);
}

const socketio_host::socket_entry* socketio_host::find_entry(std::string_view nsp,
                                                             std::string_view sid) const {
    auto it = sockets_.find(sid);
    if (it == sockets_.end() || it->second.socket->nsp() != nsp)
        return nullptr;
    return &it->second;
}

sio_socket* socketio_host::find_socket(std::string_view nsp, std::string_view sid) {
    const auto* e = find_entry(nsp, sid);
    return e ? e->socket : nullptr;
}

std::optional<std::size_t> socketio_host::remote_owner(std::string_view sid) const {
    auto shard = owner_.owner_of(sid);
    if (!shard || *shard == owner_.index())
        return std::nullopt;
    return shard;
}

void socketio_host::broadcast(std::string_view nsp,
                              std::shared_ptr<const rooms::encoded_packet> packet,
                              rooms::broadcast_filter filter) {
    owner_.fan_out(rooms::broadcast{std::string(nsp), std::move(filter), std::move(packet)},
                   [this](const rooms::broadcast& m) { deliver(m); });
}

void socketio_host::deliver(const rooms::broadcast& m) {
    auto* ns = find_namespace(m.nsp);
    if (!ns)
        return;
    ns->registry.for_each_member(m.filter, [&](sio_socket* s) { s->send(*m.packet); });
}

bool socketio_host::enter_room(std::string_view nsp, std::string_view sid, std::string_view room) {
    if (auto* s = find_socket(nsp, sid)) {
        if (s->ns().registry.join(s, room).status != rooms::join_status::refused)
            return true;
        // Counted here, on the socket's shard, however the join came: a caller on another shard
        // has been told true already (the join travels as a one-way message). Not logged: a
        // client can repeat it at will, a log line each would be its lever.
        ++owner_.metrics().refused_joins;
        return false;
    }
    if (auto to = remote_owner(sid))
        owner_.send_to(
            *to, rooms::adapter_message{rooms::room_change{
                     std::string(nsp), std::string(sid), std::string(room), rooms::room_op::join}});
    return true;
}

void socketio_host::leave_room(std::string_view nsp, std::string_view sid, std::string_view room) {
    if (auto* s = find_socket(nsp, sid))
        s->ns().registry.leave(s, room);
    else if (auto to = remote_owner(sid))
        owner_.send_to(*to, rooms::adapter_message{
                                rooms::room_change{std::string(nsp), std::string(sid),
                                                   std::string(room), rooms::room_op::leave}});
}

void socketio_host::disconnect(std::string_view nsp, std::string_view sid) {
    if (const auto* e = find_entry(nsp, sid))
        e->connection->disconnect_socket(*e->socket, "server namespace disconnect", true);
    else if (auto to = remote_owner(sid))
        owner_.send_to(*to, rooms::adapter_message{
                                rooms::disconnect_socket{std::string(nsp), std::string(sid)}});
}

std::vector<std::string> socketio_host::rooms_here(std::string_view nsp, std::string_view sid) {
    auto* s = find_socket(nsp, sid);
    return s ? s->ns().registry.rooms_of(s) : std::vector<std::string>{};
}

void socketio_host::on_message(rooms::adapter_message&& m) {
    std::visit([this](auto&& message) { handle(std::forward<decltype(message)>(message)); },
               std::move(m));
}

namespace {

// A fetch asks a shard that answers in microseconds; this bounds only a stuck or stopping one.
constexpr std::chrono::milliseconds fetch_timeout{5000};
// The owner shard times an ack out itself and answers; the asking shard waits this much longer
// only for an owner that never answers.
constexpr std::chrono::milliseconds ack_reply_grace{1000};

std::optional<args> ack_of(shard_requests::result r) {
    if (!r.complete())
        return std::nullopt;
    auto* reply = std::get_if<rooms::ack_reply>(&r.replies.front());
    return reply ? std::move(reply->ack) : std::nullopt;
}

} // namespace

void socketio_host::emit_with_ack(std::string_view nsp, std::string_view sid,
                                  std::string_view event, const protocol::socketio::payload& data,
                                  std::chrono::milliseconds timeout, ack_callback done) {
    if (auto* s = find_socket(nsp, sid)) {
        auto id = s->expect_ack(std::move(done), timeout);
        s->send(*encode_event(nsp, event, data, id));
    } else if (auto to = remote_owner(sid)) {
        auto header = owner_.requests().open(1, timeout + ack_reply_grace,
                                             [done = std::move(done)](shard_requests::result r) {
                                                 if (done)
                                                     done(ack_of(std::move(r)));
                                             });
        owner_.send_to(*to, rooms::ack_request{header, std::string(nsp), std::string(sid),
                                               std::string(event), data.items(), data.attachments(),
                                               timeout});
    } else if (done) {
        done(std::nullopt);
    }
}

asio::awaitable<std::optional<args>> socketio_host::call(std::string nsp, std::string sid,
                                                         std::string event,
                                                         protocol::socketio::payload data,
                                                         std::chrono::milliseconds timeout) {
    auto r = co_await owner_.requests().call(
        1, timeout + ack_reply_grace, [&](rooms::request_header header) {
            if (auto to = remote_owner(sid))
                owner_.send_to(*to, rooms::ack_request{header, nsp, sid, event, data.items(),
                                                       data.attachments(), timeout});
            else
                answer_ack(header, nsp, sid, event, data, timeout);
        });
    co_return ack_of(std::move(r));
}

void socketio_host::answer_ack(rooms::request_header header, std::string_view nsp,
                               std::string_view sid, std::string_view event,
                               const protocol::socketio::payload& data,
                               std::chrono::milliseconds timeout) {
    auto* s = find_socket(nsp, sid);
    if (!s) {
        owner_.reply_to(header, rooms::ack_reply{});
        return;
    }
    auto id = s->expect_ack(
        [this, header](std::optional<args> a) {
            owner_.reply_to(header, rooms::ack_reply{std::move(a)});
        },
        timeout);
    s->send(*encode_event(nsp, event, data, id));
}

void socketio_host::handle(rooms::broadcast&& m) {
    deliver(m);
}

void socketio_host::handle(rooms::room_change&& m) {
    if (m.op == rooms::room_op::join)
        enter_room(m.nsp, m.sid, m.room);
    else
        leave_room(m.nsp, m.sid, m.room);
}

void socketio_host::handle(rooms::disconnect_socket&& m) {
    disconnect(m.nsp, m.sid);
}

void socketio_host::handle(rooms::ack_request&& m) {
    protocol::socketio::payload data(std::move(m.items), std::move(m.attachments));
    answer_ack(m.header, m.nsp, m.sid, m.event, data, m.timeout);
}

asio::awaitable<std::vector<std::string>> socketio_host::fetch_rooms(std::string nsp,
                                                                     std::string sid) {
    auto to = remote_owner(sid);
    if (!to)
        co_return rooms_here(nsp, sid);
    auto r = co_await owner_.requests().call(1, fetch_timeout, [&](rooms::request_header h) {
        owner_.send_to(*to, rooms::rooms_request{h, nsp, sid});
    });
    auto* reply = r.complete() ? std::get_if<rooms::rooms_reply>(&r.replies.front()) : nullptr;
    co_return reply ? std::move(reply->rooms) : std::vector<std::string>{};
}

asio::awaitable<std::optional<session_data>>
socketio_host::fetch_session(std::string nsp, std::string sid,
                             std::optional<std::pair<std::string, std::string>> set) {
    auto to = remote_owner(sid);
    if (!to)
        // clang 14 takes the copy of a coroutine parameter into its frame for a move of it;
        // `set` is moved here first and only.
        // NOLINTNEXTLINE(clang-analyzer-cplusplus.Move)
        co_return session_here(nsp, sid, std::move(set));
    auto r = co_await owner_.requests().call(1, fetch_timeout, [&](rooms::request_header h) {
        owner_.send_to(*to, rooms::session_request{h, nsp, sid, std::move(set)});
    });
    auto* reply = r.complete() ? std::get_if<rooms::session_reply>(&r.replies.front()) : nullptr;
    co_return reply ? std::move(reply->data) : std::nullopt;
}

std::optional<session_data>
socketio_host::session_here(std::string_view nsp, std::string_view sid,
                            std::optional<std::pair<std::string, std::string>> set) {
    auto* s = find_socket(nsp, sid);
    if (!s)
        return std::nullopt;
    if (set)
        s->data[set->first] = std::move(set->second);
    return s->data;
}

void socketio_host::handle(rooms::rooms_request&& m) {
    owner_.reply_to(m.header, rooms::rooms_reply{rooms_here(m.nsp, m.sid)});
}

void socketio_host::handle(rooms::session_request&& m) {
    owner_.reply_to(m.header, rooms::session_reply{session_here(m.nsp, m.sid, std::move(m.set))});
}

asio::awaitable<sid_list> socketio_host::fetch_sids(std::string nsp, rooms::broadcast_filter filter,
                                                    std::size_t limit) {
    auto shards = owner_.shard_count();
    auto r = co_await owner_.requests().call(shards, fetch_timeout, [&](rooms::request_header h) {
        for (std::size_t i = 0; i < shards; ++i)
            owner_.send_to(i, rooms::sids_request{h, nsp, filter, limit});
    });
    sid_list out;
    out.complete = r.complete();
    for (auto& body : r.replies) {
        auto* reply = std::get_if<rooms::sids_reply>(&body);
        if (!reply)
            continue;
        out.total += reply->total;
        for (auto& sid : reply->sids) {
            out.sids.push_back(std::move(sid));
            out.shards.push_back(reply->shard);
        }
    }
    co_return out;
}

void socketio_host::handle(rooms::sids_request&& m) {
    rooms::sids_reply reply{owner_.index(), {}, 0};
    if (auto* ns = find_namespace(m.nsp))
        ns->registry.for_each_member(m.filter, [&](sio_socket* s) {
            if (reply.sids.size() < m.limit)
                reply.sids.push_back(s->sid());
            ++reply.total;
        });
    owner_.reply_to(m.header, std::move(reply));
}

} // namespace imedge::server
