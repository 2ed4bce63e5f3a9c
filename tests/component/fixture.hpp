// An in-process imedge with the component tests' handlers, on an ephemeral loopback port.
#pragma once

#include "server/api/app.hpp"

#include <functional>
#include <memory>

namespace imedge::testing {

server::server_options test_options(std::size_t shards);

/// Namespace "/" handlers (all acks answer with one string or array):
///   join(room)              enter the room, ack "joined" (or "refused" past the rooms cap)
///   put(sid, room)          make another socket (any shard) enter a room, ack "put"
///   drop(sid, room)         make another socket leave a room, ack "dropped"
///   kick(sid)               disconnect another socket, ack "kicked"
///   to-room(room, x)        emit "msg" x to the room except the sender
///   to-all(x)               emit "msg" x to everyone
///   seq(room, n)            emit "seq" 0..n-1 to the room
///   flood(n, size)          emit n "blob" messages of `size` bytes to everyone
///   paced-flood(n, size)    emit n "blob"s to the sender, paced by server_ref::outbox and
///                           when_drained (below half the outbox bound)
///   ask(sid)                server->client ack from another socket: ack its answer or "timeout"
///   rooms-of(sid)           ack the rooms of any socket
///   session-set(sid, k, v)  set a session value of any socket, ack the value read back
class test_server {
public:
    /// `configure` runs before the shards start (observers, extra handlers).
    explicit test_server(server::server_options options,
                         const std::function<void(server::app&)>& configure = {});
    std::uint16_t port() const { return running_->port(); }
    server::running_server& running() { return *running_; }
    void stop() { running_->stop(); }

private:
    server::app app_;
    std::unique_ptr<server::running_server> running_;
};

} // namespace imedge::testing
