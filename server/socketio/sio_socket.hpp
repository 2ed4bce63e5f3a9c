// One Socket.IO socket: a client's membership of one namespace over one Engine.IO session.
#pragma once

#include "server/api/handlers.hpp"
#include "server/core/net.hpp"
#include "server/socketio/sio_encode.hpp"

#include "protocol/socketio/assembler.hpp"

#include <unordered_map>

namespace imedge::server {

class eio_session;
class shard_counter;
struct namespace_state;

using protocol::socketio::inbound_packet;

/// Owned by its sio_connection (shared_ptr so acks can hold a weak_ptr); shard-local.
class sio_socket : public std::enable_shared_from_this<sio_socket> {
public:
    sio_socket(eio_session& session, namespace_state& ns, std::string sid);
    ~sio_socket();

    const std::string& sid() const { return sid_; }
    const std::string& nsp() const;
    namespace_state& ns() { return *ns_; }
    eio_session& session() { return *session_; }

    session_data data;
    bool connected() const { return state_ == state::connected; }
    bool connecting() const { return state_ == state::connecting; }

    /// Sends a packet; while connecting, holds it until the CONNECT answer has gone out.
    void send(const encoded_packet& p);
    /// Sends a packet that must not wait (CONNECT, CONNECT_ERROR).
    void send_now(std::string text);

    /// Marks the socket connected and sends what was held.
    void mark_connected();
    void mark_disconnected() {
        state_ = state::disconnected;
        held_.clear();
        held_bytes_ = 0;
    }

    /// Registers `done` for the ack with the returned id; calls it with nullopt after `timeout`.
    std::uint64_t expect_ack(ack_callback done, std::chrono::milliseconds timeout);
    void resolve_ack(std::uint64_t id, args a);
    /// Packets that arrived while the connect handler ran (coroutine handlers only), and their
    /// bytes; sio_connection bounds both.
    std::vector<inbound_packet> backlog;
    std::size_t backlog_bytes = 0;

private:
    enum class state { connecting, connected, disconnected };
    struct pending_ack {
        ack_callback done;
        std::unique_ptr<wake_timer> timer;
    };

    void expire_ack(std::uint64_t id);

    eio_session* session_;
    namespace_state* ns_;
    std::string sid_;
    state state_ = state::connecting;
    std::vector<frame> held_;
    std::size_t held_bytes_ = 0; // at most the session's outbox_limit, else the session closes
    bool held_overflow_ = false;
    std::uint64_t next_ack_id_ = 0;
    std::unordered_map<std::uint64_t, pending_ack> acks_;
    // shard_metrics::acks_awaited: one per entry of acks_. The metrics board outlives the
    // shards, so this outlives every socket.
    shard_counter* acks_gauge_;
};

} // namespace imedge::server
