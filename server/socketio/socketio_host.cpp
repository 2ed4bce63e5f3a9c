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
    for (const auto& [name, handlers] : owner.config().namespaces) {
        auto& ns = namespaces_[name];
        ns.name = name;
        ns.handlers = &handlers;
    }
}

namespace_state* socketio_host::find_namespace(std::string_view nsp) {
    auto it = namespaces_.find(nsp);
    return it == namespaces_.end() ? nullptr : &it->second;
}

void socketio_host::add_socket(sio_socket& s) {
    s.member = next_member_++;
    s.ns().members.emplace(s.member, &s);
    s.ns().registry.join(s.member, s.sid());
    sockets_.emplace(s.sid(), &s);
}

void socketio_host::remove_socket(sio_socket& s) {
    if (s.member == 0)
        return;
    s.ns().registry.leave_all(s.member);
    s.ns().members.erase(s.member);
    sockets_.erase(s.sid());
    s.member = 0;
}

sio_socket* socketio_host::find_socket(std::string_view nsp, std::string_view sid) {
    auto it = sockets_.find(std::string(sid));
    if (it == sockets_.end() || it->second->nsp() != nsp)
        return nullptr;
    return it->second;
}

std::optional<std::size_t> socketio_host::remote_owner(std::string_view sid) const {
    auto shard = id_generator::shard_of(sid);
    if (!shard || *shard == owner_.index() || *shard >= owner_.shard_count())
        return std::nullopt;
    return shard;
}

void socketio_host::broadcast(std::string_view nsp,
                              std::shared_ptr<const rooms::encoded_packet> packet,
                              rooms::broadcast_filter filter) {
    rooms::broadcast m{std::string(nsp), std::move(filter), std::move(packet)};
    for (std::size_t i = 0; i < owner_.shard_count(); ++i)
        if (i != owner_.index())
            owner_.send_to(i, m);
    deliver(m);
}

void socketio_host::deliver(const rooms::broadcast& m) {
    auto* ns = find_namespace(m.nsp);
    if (!ns)
        return;
    ns->registry.for_each_member(m.filter, [&](rooms::member_id id) {
        if (auto it = ns->members.find(id); it != ns->members.end())
            it->second->send(*m.packet);
    });
}

void socketio_host::enter_room(std::string_view nsp, std::string_view sid, std::string_view room) {
    if (auto* s = find_socket(nsp, sid)) {
        if (s->member != 0)
            s->ns().registry.join(s->member, room);
    } else if (auto to = remote_owner(sid)) {
        owner_.send_to(*to, rooms::room_change{std::string(nsp), std::string(sid),
                                               std::string(room), rooms::room_op::join});
    }
}

void socketio_host::leave_room(std::string_view nsp, std::string_view sid, std::string_view room) {
    if (auto* s = find_socket(nsp, sid)) {
        if (s->member != 0)
            s->ns().registry.leave(s->member, room);
    } else if (auto to = remote_owner(sid)) {
        owner_.send_to(*to, rooms::room_change{std::string(nsp), std::string(sid),
                                               std::string(room), rooms::room_op::leave});
    }
}

void socketio_host::disconnect(std::string_view nsp, std::string_view sid) {
    if (auto* s = find_socket(nsp, sid)) {
        auto* conn = dynamic_cast<sio_connection*>(&s->session().handler());
        if (conn)
            conn->disconnect_socket(*s, "server namespace disconnect", true);
    } else if (auto to = remote_owner(sid)) {
        owner_.send_to(*to, rooms::disconnect_socket{std::string(nsp), std::string(sid)});
    }
}

void socketio_host::emit_with_ack(std::string_view nsp, std::string_view sid,
                                  std::string_view event, const protocol::socketio::payload& data,
                                  std::chrono::milliseconds timeout, ack_callback done) {
    if (auto* s = find_socket(nsp, sid)) {
        auto id = s->expect_ack(std::move(done), timeout);
        s->send(*encode_event(nsp, event, data, id));
    } else if (auto to = remote_owner(sid)) {
        auto request = next_request_++;
        remote_acks_.emplace(request, std::move(done));
        owner_.send_to(*to, rooms::ack_request{owner_.index(), request, std::string(nsp),
                                               std::string(sid), std::string(event), data.items(),
                                               data.attachments(), timeout});
    } else if (done) {
        done(std::nullopt);
    }
}

void socketio_host::on_message(rooms::broadcast&& m) {
    deliver(m);
}

void socketio_host::on_message(rooms::room_change&& m) {
    if (m.op == rooms::room_op::join)
        enter_room(m.nsp, m.sid, m.room);
    else
        leave_room(m.nsp, m.sid, m.room);
}

void socketio_host::on_message(rooms::disconnect_socket&& m) {
    disconnect(m.nsp, m.sid);
}

void socketio_host::on_message(rooms::ack_request&& m) {
    protocol::socketio::payload data(std::move(m.items), std::move(m.attachments));
    auto origin = m.origin;
    auto request = m.request;
    emit_with_ack(m.nsp, m.sid, m.event, data, m.timeout,
                  [this, origin, request](std::optional<args> a) {
                      rooms::ack_reply reply{request, a.has_value(), {}, {}};
                      if (a) {
                          for (auto& item : a->items)
                              reply.items.push_back(std::move(item.json));
                          reply.attachments = std::move(a->attachments);
                      }
                      owner_.send_to(origin, std::move(reply));
                  });
}

void socketio_host::on_message(rooms::ack_reply&& m) {
    auto it = remote_acks_.find(m.request);
    if (it == remote_acks_.end())
        return;
    auto done = std::move(it->second);
    remote_acks_.erase(it);
    if (!done)
        return;
    if (!m.acked) {
        done(std::nullopt);
        return;
    }
    // Re-parse the JSON args so the handler sees the same args a local ack gives.
    protocol::socketio::payload carried(std::move(m.items), {});
    auto decoded = decoder_.decode_ack(carried.json_array(), m.attachments.size());
    if (!decoded) {
        done(std::nullopt);
        return;
    }
    decoded->attachments = std::move(m.attachments);
    done(std::move(*decoded));
}

void socketio_host::fetch_rooms(std::string_view nsp, std::string_view sid, rooms_callback done) {
    if (auto to = remote_owner(sid)) {
        auto request = next_request_++;
        remote_rooms_.emplace(request, std::move(done));
        owner_.send_to(
            *to, rooms::rooms_request{owner_.index(), request, std::string(nsp), std::string(sid)});
        return;
    }
    auto* s = find_socket(nsp, sid);
    done(s && s->member != 0 ? s->ns().registry.rooms_of(s->member) : std::vector<std::string>{});
}

void socketio_host::fetch_session(std::string_view nsp, std::string_view sid,
                                  std::optional<std::pair<std::string, std::string>> set,
                                  session_callback done) {
    if (auto to = remote_owner(sid)) {
        auto request = next_request_++;
        remote_sessions_.emplace(request, std::move(done));
        owner_.send_to(*to, rooms::session_request{owner_.index(), request, std::string(nsp),
                                                   std::string(sid), std::move(set)});
        return;
    }
    auto* s = find_socket(nsp, sid);
    if (!s)
        return done(std::nullopt);
    if (set)
        s->data[set->first] = std::move(set->second);
    done(s->data);
}

void socketio_host::on_message(rooms::rooms_request&& m) {
    auto origin = m.origin;
    auto request = m.request;
    fetch_rooms(m.nsp, m.sid, [this, origin, request](std::vector<std::string> list) {
        owner_.send_to(origin, rooms::rooms_reply{request, std::move(list)});
    });
}

void socketio_host::on_message(rooms::rooms_reply&& m) {
    auto it = remote_rooms_.find(m.request);
    if (it == remote_rooms_.end())
        return;
    auto done = std::move(it->second);
    remote_rooms_.erase(it);
    done(std::move(m.rooms));
}

void socketio_host::on_message(rooms::session_request&& m) {
    auto origin = m.origin;
    auto request = m.request;
    fetch_session(
        m.nsp, m.sid, std::move(m.set), [this, origin, request](std::optional<session_data> data) {
            owner_.send_to(origin, rooms::session_reply{request, data.has_value(),
                                                        data ? std::move(*data) : session_data{}});
        });
}

void socketio_host::on_message(rooms::session_reply&& m) {
    auto it = remote_sessions_.find(m.request);
    if (it == remote_sessions_.end())
        return;
    auto done = std::move(it->second);
    remote_sessions_.erase(it);
    done(m.found ? std::optional<session_data>(std::move(m.data)) : std::nullopt);
}

} // namespace imedge::server
