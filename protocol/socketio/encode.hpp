// Socket.IO v5 packets the server sends, as text (socket.io-protocol v5, "Packet encoding" and
// "Exchange protocol"): EVENT / BINARY_EVENT, ACK / BINARY_ACK, CONNECT, CONNECT_ERROR,
// DISCONNECT. Pure: each appends to a caller-owned string, so a caller that frames the packet
// (the Engine.IO "4" prefix) writes it once into its own buffer. The binary attachments of a
// BINARY_* packet are not copied here: they follow as separate binary messages, in
// `payload::attachments()` order, which is the order of the placeholders' `num`.
#pragma once

#include "args.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imedge::protocol::socketio {

// `nsp` everywhere: "/" (written as nothing), or a name that starts with '/' and has no ','.

/// EVENT `2[nsp,][id]["event",args...]`, or BINARY_EVENT `5<n>-...` when `data` has n > 0
/// attachments. The caller has checked the name (may_emit_event): this writes any name.
void append_event(std::string& out, std::string_view nsp, std::string_view event,
                  const payload& data, std::optional<std::uint64_t> ack_id = std::nullopt);

/// ACK `3[nsp,]<id>[args...]`, or BINARY_ACK `6<n>-...`.
void append_ack(std::string& out, std::string_view nsp, std::uint64_t ack_id, const payload& data);

/// CONNECT answer `0[nsp,]{"sid":"<sid>"}`.
void append_connect(std::string& out, std::string_view nsp, std::string_view sid);

/// CONNECT_ERROR `4[nsp,]{"message":"<message>"[,"data":<data_json>]}`; `data_json` is
/// already JSON text (omitted when empty).
void append_connect_error(std::string& out, std::string_view nsp, std::string_view message,
                          std::string_view data_json = {});

/// DISCONNECT `1[nsp,]` (the server closing one namespace socket).
void append_disconnect(std::string& out, std::string_view nsp);

} // namespace imedge::protocol::socketio
