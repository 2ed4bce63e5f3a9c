// Parses the JSON data of Socket.IO packets into owned args, validating what the protocol
// requires (socket.io-parser `isPayloadValid`). One instance per shard: it reuses the
// simdjson parser's buffers, so it is not thread-safe and must stay on its shard.
#pragma once

#include "../error.hpp"
#include "args.hpp"

#include <simdjson.h>

namespace imedge::protocol::socketio {

struct event_data {
    std::string name;
    socketio::args args;
};

class json_decoder {
public:
    /// EVENT / BINARY_EVENT data: a non-empty array whose first element is a string that is
    /// not a reserved name. Placeholders must match `attachments` exactly.
    result<event_data> decode_event(std::string_view json, std::size_t attachments);

    /// ACK / BINARY_ACK data: an array (may be empty).
    result<args> decode_ack(std::string_view json, std::size_t attachments);

    /// CONNECT data: absent (returns "") or a JSON object (returns its minified text).
    result<std::string> decode_connect(std::string_view json);

private:
    result<args> decode_array(std::string_view json, std::size_t attachments, bool skip_first,
                              std::string* first);

    simdjson::dom::parser parser_;
};

/// Names a client may not use for events because the reference server reserves them.
bool is_reserved_event(std::string_view name);

} // namespace imedge::protocol::socketio
