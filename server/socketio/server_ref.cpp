// server_ref, ack_sender and handshake_info: the handler API's calls, forwarded to the shard.
#include "server/api/handlers.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/socketio/sio_socket.hpp"

#include "protocol/socketio/event_name.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

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

namespace {
// The reference server throws on these names too (socket.io `Socket.emit`): a packet carrying
// one would make every receiving socket.io client close with "parse error".
void require_emittable(std::string_view event) {
    if (auto ok = protocol::socketio::check_event_name(event); !ok)
        throw boost::system::system_error(ok.error(), "emit");
}

// The bound the server holds its clients to (server_limits::max_attachments) holds for what it
// sends too: a packet past it is one this server itself would refuse, and each attachment is a
// separate frame every recipient must hold until the last one comes.
void require_attachments_within(const payload& data, std::size_t max_attachments,
                                const char* what = "emit") {
    if (data.attachments().size() > max_attachments)
        throw boost::system::system_error(make_error_code(protocol::errc::too_many_attachments),
                                          what);
}
void require_attachments_within(const payload& data, const shard& owner) {
    require_attachments_within(data, owner.options().limits.max_attachments);
}
} // namespace

void server_ref::emit(std::string_view event, const payload& data, const emit_options& o) const {
    require_emittable(event);
    require_attachments_within(data, *shard_);
    shard_->socketio().broadcast(nsp_, encode_event(nsp_, event, data),
                                 rooms::broadcast_filter{o.to, o.skip});
    if (!o.this_node_only && shard_->config().on_emit)
        shard_->config().on_emit(nsp_, event, data, o);
}

boost::asio::any_io_executor server_ref::get_executor() const {
    return shard_->get_executor();
}

bool server_ref::emit_local(std::string_view sid, std::string_view event,
                            const payload& data) const {
    require_attachments_within(data, *shard_);
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    if (!s)
        return false;
    s->send(*encode_event(nsp_, event, data));
    return true;
}

std::optional<outbox_level> server_ref::outbox(std::string_view sid) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    if (!s)
        return std::nullopt;
    return outbox_level{s->session().queue().frames().bytes(), shard_->options().outbox_limit};
}

bool server_ref::when_drained(std::string_view sid, std::size_t low_bytes,
                              std::function<void()> f) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    if (!s)
        return false;
    s->session().queue().when_drained(low_bytes, std::move(f));
    return true;
}

void server_ref::send(const payload& data, const emit_options& o) const {
    emit("message", data, o);
}

void server_ref::emit_with_ack(std::string_view sid, std::string_view event, const payload& data,
                               std::chrono::milliseconds timeout, ack_callback done) const {
    require_emittable(event);
    require_attachments_within(data, *shard_);
    shard_->socketio().emit_with_ack(nsp_, sid, event, data, timeout, std::move(done));
}

boost::asio::awaitable<std::optional<args>>
server_ref::call(std::string sid, std::string event, payload data,
                 std::chrono::milliseconds timeout) const {
    require_attachments_within(data, *shard_); // thrown to the awaiting coroutine
    co_return co_await shard_->socketio().call(nsp_, std::move(sid), std::move(event),
                                               std::move(data), timeout);
}

boost::asio::awaitable<std::vector<std::string>> server_ref::fetch_rooms(std::string sid) const {
    co_return co_await shard_->socketio().fetch_rooms(nsp_, std::move(sid));
}

boost::asio::awaitable<std::optional<session_data>>
server_ref::fetch_session(std::string sid) const {
    co_return co_await shard_->socketio().fetch_session(nsp_, std::move(sid), std::nullopt);
}

boost::asio::awaitable<std::optional<session_data>>
server_ref::update_session(std::string sid, std::string key, std::string value) const {
    co_return co_await shard_->socketio().fetch_session(
        nsp_, std::move(sid), std::pair{std::move(key), std::move(value)});
}

namespace {
// A socket on this shard is this node's: the change is done here and concerns no other node.
// Nor does a sid that carries this node's tag (a socket on another shard of this node: the
// ring takes the change there). Any other sid may be on another node, which only its owner
// knows: the change goes to the other nodes through the observer too, and only the owner finds
// the socket, so it is applied once.
bool tells_cluster(shard& s, std::string_view nsp, std::string_view sid) {
    const auto& config = s.config();
    if (!config.on_room_change || s.socketio().find_socket(nsp, sid))
        return false;
    return !config.nodes || id_generator::node_tag_of(sid) != config.nodes->own_tag();
}
} // namespace

bool server_ref::enter_room(std::string_view sid, std::string_view room) const {
    bool tell = tells_cluster(*shard_, nsp_, sid);
    bool ok = shard_->socketio().enter_room(nsp_, sid, room);
    if (tell)
        shard_->config().on_room_change(
            nsp_, {socket_change_kind::join, {std::string(sid)}, {std::string(room)}});
    return ok;
}

void server_ref::leave_room(std::string_view sid, std::string_view room) const {
    bool tell = tells_cluster(*shard_, nsp_, sid);
    shard_->socketio().leave_room(nsp_, sid, room);
    if (tell)
        shard_->config().on_room_change(
            nsp_, {socket_change_kind::leave, {std::string(sid)}, {std::string(room)}});
}

bool server_ref::tell_other_nodes(const socket_change& c) const {
    const auto& observer = shard_->config().on_room_change;
    if (!observer)
        return false;
    observer(nsp_, c);
    return true;
}

std::vector<std::string> server_ref::rooms(std::string_view sid) const {
    return shard_->socketio().rooms_here(nsp_, sid);
}

std::vector<std::string> server_ref::local_sids(const emit_options& o) const {
    std::vector<std::string> out;
    auto* ns = shard_->socketio().find_namespace(nsp_);
    if (!ns)
        return out;
    ns->registry.for_each_member(rooms::broadcast_filter{o.to, o.skip},
                                 [&](sio_socket* s) { out.push_back(s->sid()); });
    return out;
}

boost::asio::awaitable<sid_list> server_ref::fetch_sids(emit_options o, std::size_t limit) const {
    // Named first: GCC 12 destroys a braced temporary in a co_await's arguments twice.
    rooms::broadcast_filter filter{std::move(o.to), std::move(o.skip)};
    co_return co_await shard_->socketio().fetch_sids(nsp_, std::move(filter), limit);
}

void server_ref::disconnect(std::string_view sid) const {
    bool tell = tells_cluster(*shard_, nsp_, sid);
    shard_->socketio().disconnect(nsp_, sid);
    if (tell)
        shard_->config().on_room_change(nsp_,
                                        {socket_change_kind::disconnect, {std::string(sid)}, {}});
}

session_data* server_ref::session(std::string_view sid) const {
    auto* s = shard_->socketio().find_socket(nsp_, sid);
    return s ? &s->data : nullptr;
}

websocket_peer* server_ref::plain_peer(std::string_view id) const {
    return shard_->plain().find_peer(id);
}

void server_ref::publish_plain(std::vector<std::string> rooms, std::string data,
                               std::string_view skip) const {
    if (rooms.empty())
        return;
    rooms::plain_broadcast m{std::move(rooms), make_bytes(std::move(data)), false,
                             std::string(skip)};
    shard_->fan_out(m,
                    [this](const rooms::plain_broadcast& here) { shard_->plain().deliver(here); });
}

std::size_t server_ref::shard_index() const {
    return shard_->index();
}

void ack_sender::operator()(const payload& data) {
    if (reply_) {
        auto reply = std::exchange(reply_, nullptr); // an ack is sent once
        reply(data);
        return;
    }
    if (!id_)
        return;
    require_attachments_within(data, max_attachments_, "ack"); // before the ack is spent
    auto id = *id_;
    id_.reset(); // an ack is sent once
    if (auto socket = socket_.lock())
        socket->send(*encode_ack(socket->nsp(), id, data));
}

} // namespace imedge::server
