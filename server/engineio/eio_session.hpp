// One Engine.IO v4 session: its state, its outgoing queue, its heartbeat, and the switch from
// long-polling to WebSocket. Transports (polling.cpp, websocket_transport.cpp) move the bytes.
#pragma once

#include "server/api/handlers.hpp"
#include "server/core/deadline_scheduler.hpp"
#include "server/engineio/send_queue.hpp"
#include "server/engineio/session_handler.hpp"

#include "protocol/engineio/handshake.hpp"

#include <memory>
#include <string>

namespace imedge::server {

class shard;

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

    transport current_transport() const { return transport_; }
    bool is_closed() const { return closed_; }
    bool is_upgrading() const { return upgrading_; }

    /// Queues the open packet, starts the heartbeat, tells the handler.
    void open();

    /// Queues a frame for whichever transport is current. A reader too slow to keep the
    /// outbox under its bound is disconnected ("slow reader").
    void send(frame f);
    void send_text(std::string encoded_packet) { send(text_frame(std::move(encoded_packet))); }

    /// Closes the session once: tells the handler, leaves the shard's table, lets the writer
    /// flush what is queued and close the transport.
    void close(std::string_view reason);

    /// A packet from the client, over either transport.
    void receive(protocol::engineio::packet&& p);

    /// Heartbeat callback (see deadline_scheduler::schedule).
    void on_deadline(deadline_scheduler::lane l, std::uint32_t epoch);

    // Transport plumbing.
    send_queue& queue() { return queue_; }
    bool get_pending = false;    // a long-poll GET is waiting (one at a time)
    bool noop_requested = false; // release the pending GET with a noop (upgrade in progress)
    void begin_upgrade();
    void finish_upgrade(); // the client sent "5": WebSocket from now on
    void cancel_upgrade();

private:
    shard* owner_;
    std::string sid_;
    std::shared_ptr<const handshake_info> handshake_;
    std::unique_ptr<session_handler> handler_;
    send_queue queue_;
    std::uint32_t heartbeat_epoch_ = 0;
    transport transport_;
    bool closed_ = false;
    bool overflowed_ = false; // the outbox passed its bound: closing, drop further sends
    bool upgrading_ = false;
    bool awaiting_pong_ = false;
};

} // namespace imedge::server
