// What a backend publisher asked for, decoded from its wire format (python-socketio's pickle,
// the redis-emitter's msgpack/JSON) into plain values that the push applier carries out on the
// shards. Values only: built on the subscriber thread, copied into shard posts.
#pragma once

#include "push/drop_reason.hpp"

#include "protocol/socketio/args.hpp"

#include <optional>

#include <string>
#include <variant>
#include <vector>

namespace imedge::push {

/// The sockets an action reaches in its namespace: members of any of `rooms` (everyone when
/// empty), minus members of any of `except`. Sids are rooms too.
struct target {
    std::vector<std::string> rooms;
    std::vector<std::string> except;
};

/// Emit `event` with `data` to `to` (one delivery per socket, on whichever shard it lives).
struct emit_action {
    std::string nsp;
    std::string event;
    protocol::socketio::payload data;
    target to;
};

/// The reached sockets join every room of `rooms` (emitter socketsJoin).
struct join_action {
    std::string nsp;
    target who;
    std::vector<std::string> rooms;
};

/// The reached sockets leave every room of `rooms` (emitter socketsLeave; python close_room is
/// "every member of R leaves R").
struct leave_action {
    std::string nsp;
    target who;
    std::vector<std::string> rooms;
};

/// The reached sockets are disconnected from the namespace (python disconnect(sid), emitter
/// disconnectSockets).
struct disconnect_action {
    std::string nsp;
    target who;
};

using action = std::variant<emit_action, join_action, leave_action, disconnect_action>;

/// What one published message came to: an action, a drop with its reason, or neither (a valid
/// message meant for another kind of server, such as python-socketio's ack callbacks).
struct outcome {
    std::optional<action> act;
    std::optional<drop_reason> dropped;

    static outcome drop(drop_reason r) { return {std::nullopt, r}; }
    static outcome ignore() { return {}; }
    static outcome of(action a) { return {std::move(a), std::nullopt}; }
};

/// Event names a Socket.IO client keeps for itself (socket.io RESERVED_EVENTS).
bool is_reserved_event(std::string_view name);

} // namespace imedge::push
