// Engine.IO v4 packet encoding and decoding.
#include "packet.hpp"

namespace imedge::protocol::engineio {

result<packet> decode_text_packet(std::string_view text) {
    if (text.empty())
        return errc::empty_packet;
    char type = text.front();
    if (type < '0' || type > '6')
        return errc::bad_packet_type;
    return packet{static_cast<packet_type>(type), frame_kind::text, std::string(text.substr(1))};
}

packet binary_packet(std::string_view bytes) {
    return packet{packet_type::message, frame_kind::binary, std::string(bytes)};
}

std::string encode_text_packet(packet_type type, std::string_view data) {
    std::string out;
    out.reserve(data.size() + 1);
    out += static_cast<char>(type);
    out += data;
    return out;
}

} // namespace imedge::protocol::engineio
