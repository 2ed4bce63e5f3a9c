// Socket.IO v5 packet header: type, attachment count, namespace, ack id, then the JSON data
// (socket.io-protocol v5, "Packet encoding").
#pragma once

#include "../error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imedge::protocol::socketio {

enum class packet_type : char {
    connect = '0',
    disconnect = '1',
    event = '2',
    ack = '3',
    connect_error = '4',
    binary_event = '5',
    binary_ack = '6',
};

inline bool is_binary(packet_type t) {
    return t == packet_type::binary_event || t == packet_type::binary_ack;
}

/// A decoded header. `data` views the JSON text inside the decoded input.
struct packet_header {
    packet_type type = packet_type::event;
    std::size_t attachments = 0;
    std::string nsp = "/";
    std::optional<std::uint64_t> ack_id;
    std::string_view data;
};

/// Decodes the header of one Socket.IO packet (the Engine.IO message's text). The JSON data
/// is not parsed here; see json_decoder. A binary type must announce 1 to `max_attachments`
/// attachments (errc::bad_attachment_count below, errc::too_many_attachments above).
result<packet_header> decode_header(std::string_view text, std::size_t max_attachments);

/// Appends the header "<type>[<n>-][<nsp>,][<ack id>]" (the `<n>-` for binary types only; the
/// namespace only when it is not "/"). `nsp` is "/" or "" or starts with '/' and has no ','
/// (the comma ends it on the wire).
void append_header(std::string& out, packet_type type, std::string_view nsp,
                   std::optional<std::uint64_t> ack_id, std::size_t attachments = 0);

/// Encodes "<type>[<n>-][<nsp>,][<ack id>]<json>".
std::string encode_packet(packet_type type, std::string_view nsp,
                          std::optional<std::uint64_t> ack_id, std::string_view json,
                          std::size_t attachments = 0);

} // namespace imedge::protocol::socketio
