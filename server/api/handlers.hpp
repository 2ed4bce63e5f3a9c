// The handler API's types: what a program registers (connect, disconnect, events) and what a
// handler receives. In the spirit of python-socketio's Server: handlers get a `server_ref` to
// emit, manage rooms and disconnect, plus the sid, the args and an optional ack.
#pragma once

#include "server/api/per_shard.hpp"

#include "protocol/socketio/args.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

namespace imedge::server {

using protocol::socketio::args;
using protocol::socketio::payload;
class shard;
class sio_socket;
class websocket_peer;

/// What the client sent when it opened its Engine.IO session. A session keeps it until it
/// ends, so it holds only what handlers read: the whole query, the peer address, and of the
/// request headers only `cookie`, `authorization`, `user-agent`, `origin`, `x-forwarded-for`
/// and those named by server_options::kept_headers (`--keep-header`); the rest are dropped
/// when the handshake is answered.
struct handshake_info {
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string address;                                      // peer IP

    std::optional<std::string_view> query_param(std::string_view name) const;
    std::optional<std::string_view> header(std::string_view lower_name) const;
};

/// Per-socket session data (python-socketio's `save_session`/`get_session`).
using session_data = std::unordered_map<std::string, std::string>;

/// Who an emit goes to: rooms (sids are rooms too; empty = everyone in the namespace), minus
/// the sockets in `skip` (sids or rooms).
struct emit_options {
    std::vector<std::string> to;
    std::vector<std::string> skip;
    /// Only this node's sockets, and no emit observer sees it (app::on_emit): how a cluster
    /// link delivers what another node published, which that node's sockets already had.
    bool this_node_only = false;
};

/// Sees every emit a program makes on any shard, on that shard's thread, after the local
/// delivery began (see app::on_emit). Every shard calls it: it must be thread-safe and quick.
using emit_observer = std::function<void(std::string_view nsp, std::string_view event,
                                         const payload& data, const emit_options& o)>;

/// What a room change or disconnect did, for the room-change observer (app::on_room_change).
enum class socket_change_kind : std::uint8_t { join, leave, disconnect };

/// The sockets reached (members of any of `who`: sids or rooms, every sid being a room too)
/// join or leave every room of `rooms`, or are disconnected from the namespace (`rooms` empty).
struct socket_change {
    socket_change_kind kind;
    std::vector<std::string> who;
    std::vector<std::string> rooms;
};

/// Sees every room change and disconnect that a program addressed to a socket not on the
/// calling shard (one on this shard is handled here and now, and is no other node's), on the
/// calling shard's thread, in that shard's order with its emits. Every shard calls it: it must
/// be thread-safe and quick.
using room_change_observer = std::function<void(std::string_view nsp, const socket_change& c)>;

/// The sockets a fetch-all query found on every shard: `sids[i]` lives on shard `shards[i]`.
/// `total` counts every match, also those past the listing's limit; `complete` is false when a
/// shard did not answer in time (what the others sent is still there).
struct sid_list {
    std::vector<std::string> sids;
    std::vector<std::size_t> shards;
    std::size_t total = 0;
    bool complete = true;
};

/// Called once with the client's ack args, or with nullopt when the timeout passed first.
using ack_callback = std::function<void(std::optional<args>)>;

/// How full a connection's outbox is: `bytes` queued for its writer, and the slow-reader bound
/// (server_options::outbox_limit, `--outbox-limit`) past which the connection is closed.
struct outbox_level {
    std::size_t bytes = 0;
    std::size_t limit = 0;
};

/// A handle on one namespace of the Socket.IO server, as seen from one shard.
///
/// Thread safety: use it only on the shard thread that handed it to you (inside a handler, or
/// from a coroutine spawned there). It is a cheap value; copy it freely.
class server_ref {
public:
    server_ref(shard& owner, std::string nsp) : shard_(&owner), nsp_(std::move(nsp)) {}

    /// Emits to everyone in the namespace, or to `o.to` rooms/sids, except `o.skip`.
    /// Every recipient gets it once, on whichever shard it lives. An empty or reserved `event`
    /// (protocol/socketio/event_name.hpp) throws boost::system::system_error with
    /// protocol::errc::bad_event_name and sends nothing; so do emit_with_ack and call. A payload
    /// with more than server_limits::max_attachments binary attachments throws
    /// protocol::errc::too_many_attachments and sends nothing, here and in emit_local,
    /// emit_with_ack and call.
    void emit(std::string_view event, const payload& data = {}, const emit_options& o = {}) const;
    /// Emits to one socket of this shard only, with no cross-shard traffic (a program's own
    /// per-socket delivery); false when that socket is not on this shard.
    bool emit_local(std::string_view sid, std::string_view event, const payload& data) const;
    /// The outbox of socket `sid`'s connection (shared by the connection's namespaces; either
    /// transport); nullopt when the socket is not on this shard. A producer that must not trip
    /// the slow-reader bound (a catch-up replay) sends while `bytes` is well below `limit`.
    std::optional<outbox_level> outbox(std::string_view sid) const;
    /// Calls `f` once, posted on this shard, when that outbox has drained to at most
    /// `low_bytes` (soon, when it already has): the writer, or a polling GET, took the rest.
    /// False, and `f` is dropped, when the socket is not on this shard; `f` is also dropped
    /// unrun when the connection closes first.
    bool when_drained(std::string_view sid, std::size_t low_bytes, std::function<void()> f) const;
    /// Emits `message` (python-socketio's `send`).
    void send(const payload& data, const emit_options& o = {}) const;
    /// Emits to one socket and calls `done` with its ack, or nullopt after `timeout`.
    void emit_with_ack(std::string_view sid, std::string_view event, const payload& data,
                       std::chrono::milliseconds timeout, ack_callback done) const;
    /// Coroutine form of emit_with_ack.
    boost::asio::awaitable<std::optional<args>>
    call(std::string sid, std::string event, payload data, std::chrono::milliseconds timeout) const;

    /// Makes socket `sid` (on any shard) join `room`. False when the socket is on this shard and
    /// already in max_rooms_per_socket rooms: the join is refused (on another shard such a join
    /// is dropped there, and this returns true: the join is a one-way message). Every refused
    /// join is counted by the socket's shard in shard_counters::refused_joins.
    bool enter_room(std::string_view sid, std::string_view room) const;
    void leave_room(std::string_view sid, std::string_view room) const;
    // enter_room, leave_room and disconnect of a socket that is not on this shard also reach
    // the other nodes of a cluster (app::on_room_change), after this shard's earlier emits.
    /// Hands `c` to the other nodes of a cluster (app::on_room_change), after this shard's
    /// earlier emits, for each to apply to its own sockets; changes nothing on this node (a
    /// program that acts by room does this node's part itself, e.g. with fetch_sids). False,
    /// and nothing is sent, when this server is not a cluster node.
    bool tell_other_nodes(const socket_change& c) const;
    /// The rooms of a socket on this shard (its sid first); empty when it is not here.
    std::vector<std::string> rooms(std::string_view sid) const;
    /// The rooms of a socket on any shard (empty when it does not exist).
    boost::asio::awaitable<std::vector<std::string>> fetch_rooms(std::string sid) const;
    /// The sids of the sockets on this shard that an emit with `o` would reach (backend
    /// pushes use it to join, leave or disconnect by room on every shard).
    std::vector<std::string> local_sids(const emit_options& o) const;
    /// The sids of the sockets on every shard that an emit with `o` would reach, at most
    /// `limit` from each shard (a backend's presence and member queries). One request per
    /// shard through the cross-shard request layer; resumes on this shard.
    boost::asio::awaitable<sid_list> fetch_sids(emit_options o, std::size_t limit) const;
    /// Disconnects the socket from this namespace ("server namespace disconnect").
    void disconnect(std::string_view sid) const;
    /// The session data of a socket on this shard, or nullptr.
    session_data* session(std::string_view sid) const;

    /// The plain WebSocket peer with this id (websocket_peer::id) if it is open on this shard,
    /// else nullptr. Valid until the next suspension or return to the shard's loop.
    websocket_peer* plain_peer(std::string_view id) const;
    /// Sends text `data` once to each plain WebSocket peer in any of the plain rooms `rooms`,
    /// on every shard of this node, except the members of plain room `skip` (e.g. a peer's
    /// id) when not empty. One copy of the bytes, one ring message per other shard; not seen
    /// by the emit observer (plain rooms are node-local).
    void publish_plain(std::vector<std::string> rooms, std::string data,
                       std::string_view skip = {}) const;

    /// A copy of the session data of a socket on any shard; nullopt when it does not exist.
    boost::asio::awaitable<std::optional<session_data>> fetch_session(std::string sid) const;
    /// Sets one session value of a socket on any shard; returns the data after the change.
    boost::asio::awaitable<std::optional<session_data>>
    update_session(std::string sid, std::string key, std::string value) const;

    /// The same server, another namespace.
    server_ref of(std::string nsp) const { return {*shard_, std::move(nsp)}; }
    const std::string& nsp() const { return nsp_; }
    std::size_t shard_index() const;

    /// This shard's instance of the service registered with app::per_shard<T>(). Throws
    /// no_such_service when none was. The reference stays valid until the server stops; it
    /// must not be handed to another shard.
    template <class T> T& local() const {
        if (void* p = find_service(std::type_index(typeid(T))))
            return *static_cast<T*>(p);
        throw no_such_service();
    }

    /// The shard's executor: where a program posts work back to this shard (from any thread)
    /// or spawns its own coroutines.
    boost::asio::any_io_executor get_executor() const;

private:
    void* find_service(std::type_index type) const;

    shard* shard_;
    std::string nsp_;
};

/// Sends the ACK a client asked for. Empty when the client asked for none. Safe to keep after
/// the handler returns (it does nothing once the socket is gone); only the first call sends.
/// An ack is held to the same bound as an emit: a payload with more than `max_attachments`
/// (server_limits::max_attachments) binary attachments throws boost::system::system_error with
/// protocol::errc::too_many_attachments and sends nothing; the ack is still owed, so a handler
/// that catches it may answer with a smaller payload.
class ack_sender {
public:
    /// Answers with a program's own transport (a plain WebSocket request answered with an
    /// envelope): `reply` runs at most once, on the first call.
    using reply_function = std::function<void(const payload&)>;

    ack_sender() = default;
    ack_sender(std::weak_ptr<sio_socket> socket, std::uint64_t id, std::size_t max_attachments)
        : socket_(std::move(socket)), id_(id), max_attachments_(max_attachments) {}
    explicit ack_sender(reply_function reply) : reply_(std::move(reply)) {}
    explicit operator bool() const {
        return static_cast<bool>(reply_) || !socket_.expired() || id_.has_value();
    }
    void operator()(const payload& data = {});

private:
    std::weak_ptr<sio_socket> socket_;
    std::optional<std::uint64_t> id_;
    std::size_t max_attachments_ = 0;
    reply_function reply_;
};

/// What an event handler receives. Owns its data: safe across coroutine suspensions.
struct event {
    server_ref io;
    std::string sid;
    std::string name;
    protocol::socketio::args args;
    ack_sender ack;
};

/// What a connect handler receives.
struct connect_request {
    server_ref io;
    std::string sid;
    std::string auth; // the CONNECT payload: a JSON object's text, "{}" when none was sent
    std::shared_ptr<const handshake_info> handshake;
};

/// A connect handler's answer: accept, or reject with a CONNECT_ERROR message and data.
struct connect_result {
    bool accepted = true;
    std::string message;
    std::string data_json; // JSON text for CONNECT_ERROR's "data"; empty = none

    static connect_result accept() { return {}; }
    static connect_result reject(std::string message, std::string data_json = {}) {
        return {false, std::move(message), std::move(data_json)};
    }
};

using connect_handler = std::function<boost::asio::awaitable<connect_result>(connect_request)>;
using event_handler = std::function<boost::asio::awaitable<void>(event)>;
using sync_connect_handler = std::function<connect_result(connect_request&)>;
using sync_event_handler = std::function<void(event&)>;
using disconnect_handler =
    std::function<void(server_ref, std::string_view sid, std::string_view reason)>;

} // namespace imedge::server
