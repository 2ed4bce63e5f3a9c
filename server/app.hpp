// The public entry point of the handler API: register namespaces, events and endpoints, then
// run(). A program built on it is a few lines (see examples/).
#pragma once

#include "handlers.hpp"
#include "options.hpp"

#include "protocol/engineio/packet.hpp"
#include "protocol/json_text.hpp"

#include <map>
#include <type_traits>

namespace imedge::server {

class eio_session;
using protocol::engineio::frame_kind;

/// Handlers of one Socket.IO namespace. Registered before run(); then read by every shard at
/// once, so handlers must be safe to call concurrently from several shard threads (each call
/// runs on the shard that owns the socket).
class namespace_handlers {
public:
    /// F: connect_result(connect_request&) or awaitable<connect_result>(connect_request).
    template <class F> namespace_handlers& on_connect(F f) {
        if constexpr (std::is_invocable_r_v<boost::asio::awaitable<connect_result>, F, connect_request>)
            connect_ = connect_handler(std::move(f));
        else
            sync_connect_ = sync_connect_handler(std::move(f));
        return *this;
    }

    /// F: void(server_ref, std::string_view sid, std::string_view reason).
    namespace_handlers& on_disconnect(disconnect_handler f) {
        disconnect_ = std::move(f);
        return *this;
    }

    /// F: void(event&) or awaitable<void>(event).
    template <class F> namespace_handlers& on(std::string name, F f) {
        events_[std::move(name)] = make_entry(std::move(f));
        return *this;
    }

    /// Called for events that have no handler of their own.
    template <class F> namespace_handlers& on_any(F f) {
        any_ = make_entry(std::move(f));
        return *this;
    }

    struct event_entry {
        sync_event_handler sync;
        event_handler coro;
        explicit operator bool() const { return sync || coro; }
    };

    const event_entry* find(std::string_view name) const;
    const sync_connect_handler& sync_connect() const { return sync_connect_; }
    const connect_handler& coro_connect() const { return connect_; }
    const disconnect_handler& disconnect() const { return disconnect_; }

private:
    template <class F> static event_entry make_entry(F f) {
        event_entry e;
        if constexpr (std::is_invocable_r_v<boost::asio::awaitable<void>, F, event>)
            e.coro = event_handler(std::move(f));
        else
            e.sync = sync_event_handler(std::move(f));
        return e;
    }

    sync_connect_handler sync_connect_;
    connect_handler connect_;
    disconnect_handler disconnect_;
    std::map<std::string, event_entry, std::less<>> events_;
    event_entry any_;
};

/// A peer of a bare Engine.IO endpoint, valid during the call that hands it out.
class engineio_peer {
public:
    explicit engineio_peer(eio_session& s) : session_(&s) {}
    void send(const protocol::engineio::packet& p);
    const std::string& sid() const;
    void close();

private:
    eio_session* session_;
};

/// A peer of a plain RFC 6455 WebSocket endpoint, valid during the call that hands it out.
class websocket_peer {
public:
    virtual ~websocket_peer() = default;
    virtual void send(std::string_view data, protocol::engineio::frame_kind kind) = 0;
    virtual void close() = 0;
};

using engineio_message_handler = std::function<void(engineio_peer&, protocol::engineio::packet&)>;
using websocket_message_handler =
    std::function<void(websocket_peer&, std::string_view data, protocol::engineio::frame_kind kind)>;

/// Everything the shards read: options, paths and handlers. Immutable once run() starts.
struct app_config {
    server_options options;
    std::string socketio_path = "/socket.io/";
    std::map<std::string, namespace_handlers, std::less<>> namespaces;
    std::map<std::string, engineio_message_handler, std::less<>> engineio_endpoints;
    std::map<std::string, websocket_message_handler, std::less<>> websocket_endpoints;
};

class app {
public:
    explicit app(server_options o) { config_.options = std::move(o); }

    /// Parses the common options (see options.hpp); prints usage and exits on bad input.
    static app from_args(int argc, char** argv, server_options defaults = {});

    server_options& options() { return config_.options; }

    /// The handlers of Socket.IO namespace `nsp` (created on first use).
    namespace_handlers& of(std::string nsp) { return config_.namespaces[std::move(nsp)]; }
    void set_socketio_path(std::string path) { config_.socketio_path = std::move(path); }

    /// A bare Engine.IO endpoint at `path` (no Socket.IO on top).
    void engineio(std::string path, engineio_message_handler h) {
        config_.engineio_endpoints[std::move(path)] = std::move(h);
    }
    /// A plain WebSocket endpoint at `path`.
    void websocket(std::string path, websocket_message_handler h) {
        config_.websocket_endpoints[std::move(path)] = std::move(h);
    }

    /// Starts the shards, prints the readiness line, serves until SIGINT/SIGTERM, stops
    /// gracefully. Returns the process exit code.
    int run();

private:
    app_config config_;
};

} // namespace imedge::server
