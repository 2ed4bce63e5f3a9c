// One Engine.IO v4 session on its shard: the state machine (protocol/engineio/session), its
// outgoing queue and its application handler. It carries out the machine's actions that need no
// transport; the transports (polling.cpp, websocket_transport.cpp) carry out the rest.
#pragma once

#include "server/api/handlers.hpp"
#include "server/engineio/send_queue.hpp"
#include "server/engineio/session_handler.hpp"

#include "protocol/engineio/handshake.hpp"
#include "protocol/engineio/session.hpp"

#include <memory>
#include <string>

namespace imedge::server {

class shard;
using protocol::engineio::close_reason;
using protocol::engineio::session_actions;
using protocol::engineio::session_input;

/// The first action of type T among `acts`, or null.
template <class T> const T* find_action(const session_actions& acts) {
    for (const auto& a : acts)
        if (const T* t = std::get_if<T>(&a))
            return t;
    return nullptr;
}

/// Owned by its shard's engineio_host (and by the coroutines serving it); touched only on that
/// shard's thread. Cost when idle: this object, its handler and three heartbeat entries.
class eio_session : public std::enable_shared_from_this<eio_session> {
public:
    using transport = protocol::engineio::transport;

    eio_session(shard& owner, std::string sid, transport t,
                std::shared_ptr<const handshake_info> hs, std::unique_ptr<session_handler> handler);
    eio_session(const eio_session&) = delete;
    eio_session& operator=(const eio_session&) = delete;

    const std::string& sid() const { return sid_; }
    shard& owner() const { return *owner_; }
    const std::shared_ptr<const handshake_info>& handshake() const { return handshake_; }
    session_handler& handler() { return *handler_; }

    /// The transport that owns the writer.
    transport current_transport() const { return fsm_.writer(); }
    bool is_closed() const { return fsm_.closed(); }

    /// Queues the open packet, starts the heartbeat, tells the handler.
    void open();

    /// Queues a frame for whichever transport owns the writer. A reader too slow to keep the
    /// outbox under its bound is disconnected ("slow reader").
    void send(frame f);
    void send_text(std::string encoded_packet) { send(text_frame(std::move(encoded_packet))); }

    /// Closes the session once: tells the handler, leaves the shard's table, lets the writer
    /// flush what is queued and close the transport.
    void close(close_reason reason) { feed(protocol::engineio::input::close_requested{reason}); }

    /// A packet from the client, over either transport.
    void receive(protocol::engineio::packet&& p);

    /// Deadline callback (see deadline_scheduler::schedule).
    void on_deadline(protocol::engineio::lane l, std::uint32_t epoch) {
        feed(protocol::engineio::input::deadline_fired{l, epoch});
    }

    /// Feeds one input to the state machine and carries out the actions that need no
    /// transport; returns all of them, for the transport to carry out its own.
    session_actions feed(const session_input& in);

    send_queue& queue() { return queue_; }

private:
    void carry_out(const protocol::engineio::session_action& a);

    shard* owner_;
    std::string sid_;
    std::shared_ptr<const handshake_info> handshake_;
    std::unique_ptr<session_handler> handler_;
    send_queue queue_;
    protocol::engineio::session fsm_;
};

} // namespace imedge::server
