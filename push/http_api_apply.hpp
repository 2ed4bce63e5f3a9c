// Carrying out the push API's validated operations on the shard that read the request, through
// the public handler API only (server_ref: emit, enter/leave_room, disconnect, fetch_sids, and
// tell_other_nodes for a cluster's other nodes) and the IM store's own append (the path a
// member's `send` takes: stored, then fanned out to the members' devices and kept for catch-up
// by the store's feed).
//
// In two steps so that a batch is all or nothing: resolve() finds the sockets every operation
// acts on (a fetch-all over the shards; the one step that waits) before anything changes, then
// carry_out() changes state and cannot fail. A stored message is the exception (the store may
// refuse it); a batch stores its one message first and applies nothing else when it fails.
#pragma once

#include "push/http_api_request.hpp"

#include "server/api/handlers.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

namespace imedge::push {

/// What the operations need besides the shard: immutable, shared by every shard.
struct apply_context {
    std::string user_room_prefix;               // a user's sockets are in room prefix + user id
    store::store* conversations = nullptr;      // the IM store, or none (message: 404)
    std::size_t max_sockets_per_shard = 100000; // sockets one join/leave/disconnect acts on
};

/// A successful answer's JSON object, or the error to answer instead.
struct op_answer {
    std::optional<api_error> error;
    std::string body; // when no error
};

/// The sockets an operation acts on, to be found on every shard before it is applied.
struct socket_query {
    std::string nsp;
    server::emit_options who;
};
/// Room changes and disconnects need one; emits and messages none.
std::optional<socket_query> query_of(const api_operation& op, const apply_context& ctx);

struct resolution {
    std::optional<api_error> error; // a shard did not answer in time, or too many sockets
    std::vector<std::string> sids;
};
/// Finds the sockets of `q` on every shard (a fetch-all through the request layer).
boost::asio::awaitable<resolution> resolve(server::server_ref io, socket_query q,
                                           std::size_t max_sockets_per_shard);

/// Applies an emit, a room change or a disconnect (on the sids resolve() found) and returns
/// the answer's JSON object. Not a message.
std::string carry_out(const server::server_ref& io, const api_operation& op,
                      const std::vector<std::string>& sids, const apply_context& ctx);

/// Stores a message as its system sender into `db` (from shard io.shard_index()) and answers
/// with its seq, or with the store's refusal.
boost::asio::awaitable<op_answer> store_message(server::server_ref io, api_message m,
                                                store::store* db);

/// The presence of a user (its sockets on every shard) / the members of a room of `nsp`.
boost::asio::awaitable<op_answer> user_presence(server::server_ref io, std::string user,
                                                std::string user_room);
boost::asio::awaitable<op_answer> room_members(server::server_ref io, std::string room);

} // namespace imedge::push
