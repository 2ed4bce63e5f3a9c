// The push HTTP API's requests (docs/push-api.openapi.yaml), sans-IO: a JSON body in, a plain
// operation or a 400 naming the field out. Every bound is checked here, before anything is
// applied, so a batch that parses is a batch that can be carried out whole.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace imedge::push {

/// How much one request may ask for. Immutable after start-up.
struct api_limits {
    std::size_t max_body = 256 * 1024; // bytes of one request body (more: 413)
    std::size_t max_list = 1000;       // entries of one users/rooms/sids list
    std::size_t max_args = 64;         // args of one emit
    std::size_t max_batch = 100;       // operations of one batch
    std::size_t max_name = 256; // bytes of an event, room, sid, user, namespace, conversation
};

/// An answer that is not a success: the HTTP status, a stable code and a message for people.
struct api_error {
    unsigned status = 400;
    std::string code;
    std::string message;
};

/// `{"error":{"code":...,"message":...}}`
std::string error_body(const api_error& e);

/// Whom an operation reaches: the union of these users' sockets (their user rooms), rooms and
/// sids. All empty means everyone in the namespace (for an emit only).
struct api_target {
    std::vector<std::string> users;
    std::vector<std::string> rooms;
    std::vector<std::string> sids;
    bool empty() const { return users.empty() && rooms.empty() && sids.empty(); }
};

struct api_emit {
    std::string nsp = "/";
    std::string event;
    std::vector<std::string> args; // each a JSON value's text
    api_target to;                 // empty: everyone in nsp
    api_target except;
};

enum class room_change : std::uint8_t { join, leave };

/// The sockets of `who` (users and sids only) join or leave every room of `rooms`.
struct api_rooms {
    room_change change = room_change::join;
    std::string nsp = "/";
    api_target who;
    std::vector<std::string> rooms;
};

/// The sockets of `who` (users and sids only) are disconnected from `nsp`.
struct api_disconnect {
    std::string nsp = "/";
    api_target who;
};

/// An entry stored into an IM conversation by the system sender `sender` ("system:<from>").
struct api_message {
    std::string conversation;
    std::string sender;
    std::string body; // JSON text
    std::string client_id;
};

using api_operation = std::variant<api_emit, api_rooms, api_disconnect, api_message>;

/// A batch: at most limits.max_batch operations and at most one api_message (the one step that
/// can still fail after validation, so it is carried out first; see the OpenAPI description).
struct api_batch {
    std::vector<api_operation> operations;
};

/// The routes that take a body, by what they carry.
enum class body_kind : std::uint8_t { emit, join, leave, disconnect, message, batch };

using parsed_body = std::variant<api_operation, api_batch, api_error>;

/// Parses and validates one request body. `parser` is the caller's (one per shard).
parsed_body parse_body(body_kind kind, std::string_view body, const api_limits& limits,
                       simdjson::dom::parser& parser);

/// Whether `authorization` is `Bearer <one of keys>` (compared in time independent of where
/// the first difference is, so the answer's timing does not leak a key's prefix).
bool authorized(std::string_view authorization, const std::vector<std::string>& keys);

} // namespace imedge::push
