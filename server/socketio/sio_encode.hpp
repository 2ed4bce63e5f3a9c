// Socket.IO packets encoded once, as Engine.IO frames, ready for any number of recipients.
#pragma once

#include "server/engineio/frame.hpp"

#include "protocol/socketio/args.hpp"
#include "rooms/shard_message.hpp"

#include <optional>

namespace imedge::server {

using rooms::encoded_packet;

/// EVENT (or BINARY_EVENT when the payload has attachments), with an ack id if given.
std::shared_ptr<const encoded_packet>
encode_event(std::string_view nsp, std::string_view event, const protocol::socketio::payload& data,
             std::optional<std::uint64_t> ack_id = std::nullopt);

/// ACK (or BINARY_ACK).
std::shared_ptr<const encoded_packet> encode_ack(std::string_view nsp, std::uint64_t ack_id,
                                                 const protocol::socketio::payload& data);

/// The packets without attachments, as Engine.IO message text: CONNECT answer, CONNECT_ERROR
/// (`data_json` is JSON text, omitted when empty), DISCONNECT.
std::string encode_connect(std::string_view nsp, std::string_view sid);
std::string encode_connect_error(std::string_view nsp, std::string_view message,
                                 std::string_view data_json = {});
std::string encode_disconnect(std::string_view nsp);

} // namespace imedge::server
