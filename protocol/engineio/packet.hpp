// Engine.IO v4 packets (engine.io-protocol v4, "Packet encoding").
#pragma once

#include "../error.hpp"

#include <string>
#include <string_view>

namespace imedge::protocol::engineio {

enum class packet_type : char {
    open = '0',
    close = '1',
    ping = '2',
    pong = '3',
    message = '4',
    upgrade = '5',
    noop = '6',
};

/// Text packets carry their type as the first character; binary packets are always
/// `message` and travel as a WebSocket binary frame or, over polling, as `b` + base64.
enum class frame_kind { text, binary };

struct packet {
    packet_type type = packet_type::message;
    frame_kind kind = frame_kind::text;
    std::string data;

    friend bool operator==(const packet&, const packet&) = default;
};

/// Decodes one text packet such as "4hello" or "2probe".
result<packet> decode_text_packet(std::string_view text);

/// A binary WebSocket frame is a binary `message` packet.
packet binary_packet(std::string_view bytes);

/// "4hello": the type character followed by the data (text packets only).
std::string encode_text_packet(packet_type type, std::string_view data = {});

} // namespace imedge::protocol::engineio
