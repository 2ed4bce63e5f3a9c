// The Socket.IO server of one shard: its namespaces' rooms and sockets, emits, and the
// by-sid operations that may concern a socket on another shard.
#pragma once

#include "server/api/handlers.hpp"
#include "server/core/net.hpp"

#include "protocol/socketio/json_decoder.hpp"
#include "rooms/adapter_message.hpp"
#include "rooms/registry.hpp"

#include <map>
#include <memory>
#include <unordered_map>

namespace imedge::server {

class shard;
class sio_socket;
class sio_connection;
class namespace_handlers;

/// One namespace on one shard: the handlers (shared, immutable) and the shard's members.
struct namespace_state {
    namespace_state(std::string n, const namespace_handlers* h, std::size_t max_rooms)
        : name(std::move(n)), handlers(h), registry(max_rooms) {}
    std::string name;
    const namespace_handlers* handlers = nullptr;
    rooms::registry<sio_socket*> registry;
};

/// Shard-local.
class socketio_host {
public:
    explicit socketio_host(shard& owner);

    namespace_state* find_namespace(std::string_view nsp);
    protocol::socketio::json_decoder& decoder() { return decoder_; }

    /// Registers a socket of `connection` (it joins the room named after its sid) / removes it
    /// from every room. remove_socket is idempotent.
    void add_socket(sio_socket& s, sio_connection& connection);
    void remove_socket(sio_socket& s);
    sio_socket* find_socket(std::string_view nsp, std::string_view sid);

    /// Delivers `packet` to everyone `filter` reaches in `nsp`, on every shard.
    void broadcast(std::string_view nsp, std::shared_ptr<const rooms::encoded_packet> packet,
                   rooms::broadcast_filter filter);

    /// Joins / leaves a room on whichever shard owns `sid`. False when the socket is on this
    /// shard and the join was refused (it is in max_rooms_per_socket rooms already); a join
    /// refused on another shard is dropped there. Either way the socket's shard counts it
    /// (shard_counters::refused_joins).
    bool enter_room(std::string_view nsp, std::string_view sid, std::string_view room);
    void leave_room(std::string_view nsp, std::string_view sid, std::string_view room);
    void disconnect(std::string_view nsp, std::string_view sid);
    /// The rooms of a socket on this shard (its sid first); empty when it is not here.
    std::vector<std::string> rooms_here(std::string_view nsp, std::string_view sid);

    /// Emits to socket `sid` (on any shard) and calls `done` with its ack, or nullopt after
    /// `timeout`; `done` runs on this shard.
    void emit_with_ack(std::string_view nsp, std::string_view sid, std::string_view event,
                       const protocol::socketio::payload& data, std::chrono::milliseconds timeout,
                       ack_callback done);
    /// The awaitable form of emit_with_ack.
    asio::awaitable<std::optional<args>> call(std::string nsp, std::string sid, std::string event,
                                              protocol::socketio::payload data,
                                              std::chrono::milliseconds timeout);
    /// Asks the owner shard of `sid` (maybe this one) for the socket's rooms / session data
    /// (after setting one value when `set` is given). Empty / nullopt when there is no such
    /// socket or its shard did not answer within fetch_timeout.
    asio::awaitable<std::vector<std::string>> fetch_rooms(std::string nsp, std::string sid);
    asio::awaitable<std::optional<session_data>>
    fetch_session(std::string nsp, std::string sid,
                  std::optional<std::pair<std::string, std::string>> set);

    /// Asks every shard (this one included) for the sids of its sockets in `nsp` that `filter`
    /// reaches, at most `limit` from each; resumes on this shard with every reply, or with those
    /// that came within fetch_timeout (sid_list::complete says which).
    asio::awaitable<sid_list> fetch_sids(std::string nsp, rooms::broadcast_filter filter,
                                         std::size_t limit);

    /// Adapter messages from other shards.
    void on_message(rooms::adapter_message&& m);

private:
    struct socket_entry {
        sio_socket* socket;
        sio_connection* connection;
    };

    void handle(rooms::broadcast&& m);
    void handle(rooms::room_change&& m);
    void handle(rooms::disconnect_socket&& m);
    void handle(rooms::ack_request&& m);
    void handle(rooms::rooms_request&& m);
    void handle(rooms::session_request&& m);
    void handle(rooms::sids_request&& m);

    void deliver(const rooms::broadcast& m);
    /// The shard that owns `sid`, if it is another one.
    std::optional<std::size_t> remote_owner(std::string_view sid) const;
    const socket_entry* find_entry(std::string_view nsp, std::string_view sid) const;
    /// The owner's side of an ack request: emits to the local socket and answers `header` with
    /// its ack (or with none at once when the socket is not here).
    void answer_ack(rooms::request_header header, std::string_view nsp, std::string_view sid,
                    std::string_view event, const protocol::socketio::payload& data,
                    std::chrono::milliseconds timeout);
    std::optional<session_data>
    session_here(std::string_view nsp, std::string_view sid,
                 std::optional<std::pair<std::string, std::string>> set);

    shard& owner_;
    std::map<std::string, namespace_state, std::less<>> namespaces_;
    // by sid (sids are unique across namespaces): the room registry holds the sockets
    // themselves; this finds one by the id a handler names
    std::unordered_map<std::string, socket_entry, rooms::string_hash, std::equal_to<>> sockets_;
    protocol::socketio::json_decoder decoder_;
};

} // namespace imedge::server
