// The public entry point of the handler API: register namespaces, events and endpoints, then
// run(). A program built on it is a few lines (see examples/).
#pragma once

#include "server/api/counters.hpp"
#include "server/api/handlers.hpp"
#include "server/api/http_endpoint.hpp"
#include "server/api/node_directory.hpp"
#include "server/api/options.hpp"
#include "server/api/per_shard.hpp"

#include "protocol/engineio/packet.hpp"
#include "protocol/json_text.hpp"

#include <map>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace imedge::server {

class eio_session;
class static_site;
using protocol::engineio::frame_kind;

/// Handlers of one Socket.IO namespace. Registered before run(); then read by every shard at
/// once, so handlers must be safe to call concurrently from several shard threads (each call
/// runs on the shard that owns the socket).
class namespace_handlers {
public:
    /// F: connect_result(connect_request&) or awaitable<connect_result>(connect_request).
    template <class F> namespace_handlers& on_connect(F f) {
        if constexpr (std::is_invocable_r_v<boost::asio::awaitable<connect_result>, F,
                                            connect_request>)
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

/// Whether a peer's own publish reaches the peer itself.
enum class self_delivery : std::uint8_t { include, exclude };

/// A peer of a plain RFC 6455 WebSocket endpoint, valid during the call that hands it out; while
/// its connection is open it may be found again on its shard by id (server_ref::plain_peer).
/// Plain peers have rooms of their own (not Socket.IO's): join, leave, and publish to every
/// member on every shard. Every peer is in the plain room named by its id.
class websocket_peer {
public:
    virtual ~websocket_peer() = default;
    /// Unique on this server (made like a Socket.IO sid: unguessable, naming its shard).
    virtual const std::string& id() const = 0;
    /// A handle on this shard's Socket.IO namespace "/" (emit, per-shard services).
    virtual server_ref io() const = 0;
    virtual void send(std::string_view data, protocol::engineio::frame_kind kind) = 0;
    /// Closes after what is queued, with a normal close frame.
    virtual void close() = 0;
    /// Closes after what is queued, with close frame `code` and `reason` (at most 123 bytes:
    /// RFC 6455 section 5.5; longer is cut).
    virtual void close(std::uint16_t code, std::string_view reason) = 0;
    virtual void join(std::string_view room) = 0;
    virtual void leave(std::string_view room) = 0;
    virtual void publish(std::string_view room, std::string_view data,
                         protocol::engineio::frame_kind kind, self_delivery self) = 0;
    /// The connection's outbox, as server_ref::outbox reports a socket's.
    virtual outbox_level outbox() const = 0;
    /// As server_ref::when_drained: `f` is posted once the outbox holds at most `low_bytes`,
    /// and dropped unrun when the connection closes first.
    virtual void when_drained(std::size_t low_bytes, std::function<void()> f) = 0;
};

using engineio_message_handler = std::function<void(engineio_peer&, protocol::engineio::packet&)>;
using websocket_message_handler = std::function<void(websocket_peer&, std::string_view data,
                                                     protocol::engineio::frame_kind kind)>;
/// Called once when a plain WebSocket is open, before its first message, with the upgrade
/// request's query, headers (all of them, names lower-cased) and peer address, which live only
/// for the call. The handler may refuse the peer with close(code, reason).
using websocket_open_handler = std::function<void(websocket_peer&, const handshake_info&)>;
/// Called once when a plain WebSocket has ended, however it ended (the peer is still found by
/// id during the call).
using websocket_close_handler = std::function<void(server_ref, std::string_view id)>;

/// The handlers of one plain WebSocket endpoint; open and close are optional.
struct websocket_handlers {
    websocket_open_handler on_open;
    websocket_message_handler on_message;
    websocket_close_handler on_close;
};

/// Called once on every shard as it starts, with a handle on namespace "/": the place to
/// spawn a program's own coroutines (periodic pushes, backend feeds) on that shard.
using shard_start_handler = std::function<void(server_ref)>;

/// Extra members of GET /healthz's object: returns `"name":value` pairs (comma-separated, no
/// braces). Called on any shard's thread, several at once: must be thread-safe and cheap.
using health_fields = std::function<std::string()>;

/// Everything the shards read: options, paths and handlers. Immutable once run() starts.
struct app_config {
    server_options options;
    std::map<std::string, namespace_handlers, std::less<>> namespaces;
    std::map<std::string, engineio_message_handler, std::less<>> engineio_endpoints;
    std::map<std::string, websocket_handlers, std::less<>> websocket_endpoints;
    std::map<std::string, http_handler, std::less<>> http_endpoints; // by path prefix
    std::vector<shard_start_handler> on_shard_start;
    std::vector<health_fields> health;
    std::vector<service_factory> services;
    std::shared_ptr<const static_site> web; // options.web_root, loaded by start()
    emit_observer on_emit;                  // a cluster link, or empty
    room_change_observer on_room_change;    // the same cluster link, or empty
    std::shared_ptr<node_directory> nodes;  // a cluster node's peers, or null (a single node)
};

class running_server;

class app {
public:
    explicit app(server_options o) { config_.options = std::move(o); }

    /// Parses the common options (see options.hpp); prints usage and exits on bad input.
    static app from_args(int argc, char** argv, server_options defaults = {});

    server_options& options() { return config_.options; }

    /// The handlers of Socket.IO namespace `nsp` (created on first use).
    namespace_handlers& of(std::string nsp) { return config_.namespaces[std::move(nsp)]; }
    void set_socketio_path(std::string path) { config_.options.socketio_path = std::move(path); }

    /// A bare Engine.IO endpoint at `path` (no Socket.IO on top).
    void engineio(std::string path, engineio_message_handler h) {
        config_.engineio_endpoints[std::move(path)] = std::move(h);
    }
    /// A plain WebSocket endpoint at `path`.
    void websocket(std::string path, websocket_message_handler h) {
        config_.websocket_endpoints[std::move(path)] = {{}, std::move(h), {}};
    }
    /// A plain WebSocket endpoint at `path` that sees its peers open and close too.
    void websocket(std::string path, websocket_handlers h) {
        config_.websocket_endpoints[std::move(path)] = std::move(h);
    }

    /// A program's own HTTP endpoint: every request whose path starts with `path_prefix`, of
    /// any method (the handler answers 404/405 itself).
    void http(std::string path_prefix, http_handler h) {
        config_.http_endpoints[std::move(path_prefix)] = std::move(h);
    }

    void on_shard_start(shard_start_handler h) { config_.on_shard_start.push_back(std::move(h)); }
    void add_health_fields(health_fields f) { config_.health.push_back(std::move(f)); }

    /// Sees every emit (to rooms, sids or everyone) that is not `this_node_only`: a cluster
    /// link publishes them for the other nodes. One observer; set it before start().
    void on_emit(emit_observer o) { config_.on_emit = std::move(o); }

    /// Sees every enter_room, leave_room and disconnect whose socket is not on the calling
    /// shard (it may be on another node): a cluster link publishes them for the other nodes.
    /// One observer; set it before start().
    void on_room_change(room_change_observer o) { config_.on_room_change = std::move(o); }

    /// Makes this server a cluster node: its session and socket ids carry `nodes->own_tag()`,
    /// and a request for a session of another node is relayed to it
    /// (server/engineio/node_relay.hpp), so a load balancer needs no sticky sessions. Set it before
    /// start().
    void join_cluster(std::shared_ptr<node_directory> nodes) { config_.nodes = std::move(nodes); }

    /// Registers a per-shard service: `factory(shard_index)` returns a T and is called once on
    /// each shard's thread as it starts, before any handler runs there; handlers reach their
    /// shard's instance with `io.local<T>()`. One registration per type (a second one for the
    /// same T replaces the first). For state a handler needs without locks: parsers, caches,
    /// connection handles, key sets refreshed on each shard.
    template <class T, class F> void per_shard(F factory) {
        std::erase_if(config_.services,
                      [](const service_factory& f) { return f.type == typeid(T); });
        config_.services.push_back(
            {typeid(T), [factory = std::move(factory)](std::size_t shard_index) {
                 return service_ptr(new T(factory(shard_index)),
                                    [](void* p) { delete static_cast<T*>(p); });
             }});
    }

    /// Starts the shards, prints the readiness line, serves until SIGINT/SIGTERM, stops
    /// gracefully. Returns the process exit code.
    int run();

    /// Starts the shards on their threads and returns at once (tests, embedding). The app
    /// must outlive the returned server. Throws if the port cannot be bound.
    std::unique_ptr<running_server> start();

private:
    app_config config_;
};

/// A started server. stop() (or the destructor) stops it gracefully and joins its threads.
class running_server {
public:
    virtual ~running_server() = default;
    virtual std::uint16_t port() const = 0;
    virtual std::size_t shard_count() const = 0;
    /// Thread-safe: runs `f` on shard `index`'s thread with a handle on namespace `nsp` (the
    /// way to emit from outside any handler).
    virtual void post(std::size_t index, std::string nsp, std::function<void(server_ref)> f) = 0;
    /// A shard's counters. Thread-safe and wait-free: it reads the shard's counters without
    /// asking the shard, so it may be called from any thread, a handler on any shard included.
    virtual shard_counters counters(std::size_t index) const = 0;
    virtual void stop() = 0;
};

} // namespace imedge::server
