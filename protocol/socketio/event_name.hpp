// Which event names may travel in an EVENT packet. The reference server reserves six names
// (socket.io-parser `RESERVED_EVENTS`; socket.io `Socket.emit` throws on them), and a client's
// parser rejects a packet carrying one as "invalid payload" and closes with "parse error".
#pragma once

#include "../error.hpp"

#include <string_view>

namespace imedge::protocol::socketio {

/// `connect`, `connect_error`, `disconnect`, `disconnecting`, `newListener`, `removeListener`.
bool is_reserved_event(std::string_view name);

/// Whether the server may emit `name`: a non-empty name that is not reserved. Every emit path
/// checks this before encoding, so no packet a client would reject is ever produced.
bool may_emit_event(std::string_view name);

/// The same rule as an error: errc::bad_event_name, or success.
result<void> check_event_name(std::string_view name);

} // namespace imedge::protocol::socketio
