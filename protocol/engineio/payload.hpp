// Engine.IO v4 HTTP long-polling payloads: packets joined by the record separator 0x1e,
// binary packets as 'b' + base64 (engine.io-protocol v4, "Payload").
#pragma once

#include "packet.hpp"

#include <vector>

namespace imedge::protocol::engineio {

inline constexpr char record_separator = '\x1e';

/// Splits a POST body into packets. A body over `max_payload` bytes is
/// errc::payload_too_large; any bad packet fails the whole payload.
result<std::vector<packet>> decode_payload(std::string_view body, std::size_t max_payload);

/// Appends one packet to a payload being built for a GET response.
void append_to_payload(std::string& payload, const packet& p);

/// Same, for a packet whose text form ("4...") is already encoded.
void append_encoded_to_payload(std::string& payload, std::string_view encoded, frame_kind kind);

} // namespace imedge::protocol::engineio
