// Socket.IO packets encoded once, as Engine.IO frames, ready for any number of recipients.
#pragma once

#include "server/engineio/frame.hpp"

#include "protocol/socketio/args.hpp"
#include "protocol/socketio/packet.hpp"
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

/// A packet without attachments: CONNECT, DISCONNECT, CONNECT_ERROR.
std::string encode_control(protocol::socketio::packet_type type, std::string_view nsp,
                           std::string_view json = {});

} // namespace imedge::server
