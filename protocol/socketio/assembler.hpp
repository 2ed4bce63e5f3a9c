// Turns the Engine.IO messages of one connection into complete Socket.IO packets: a BINARY_EVENT
// or BINARY_ACK header is held until its announced attachments (binary messages) have arrived
// (socket.io-protocol v5, "Binary"). Sans-IO; one per connection.
#pragma once

#include "../error.hpp"
#include "packet.hpp"

#include <optional>
#include <string>
#include <vector>

namespace imedge::protocol::socketio {

/// A complete packet from the client, owning its data.
struct inbound_packet {
    packet_type type = packet_type::event;
    std::string nsp = "/";
    std::optional<std::uint64_t> ack_id;
    std::string json;
    std::vector<std::string> attachments;
};

class packet_assembler {
public:
    explicit packet_assembler(std::size_t max_attachments) : max_attachments_(max_attachments) {}

    /// A text message: a packet header. Returns the packet when it needs no attachments, nullopt
    /// while attachments are due, or an error (malformed header; text while attachments are due).
    result<std::optional<inbound_packet>> feed_text(std::string_view text);

    /// A binary message: the next attachment. Returns the packet once the last one arrived, or
    /// errc::unexpected_binary when no attachment was announced.
    result<std::optional<inbound_packet>> feed_binary(std::string bytes);

    bool waiting_for_attachments() const { return partial_.has_value(); }

private:
    std::size_t max_attachments_;
    std::optional<inbound_packet> partial_;
    std::size_t expected_ = 0;
};

} // namespace imedge::protocol::socketio
