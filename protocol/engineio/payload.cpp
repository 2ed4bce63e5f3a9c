// Long-polling payload codec.
#include "payload.hpp"

#include "../base64.hpp"

namespace imedge::protocol::engineio {

result<std::vector<packet>> decode_payload(std::string_view body, std::size_t max_payload) {
    if (body.size() > max_payload)
        return errc::payload_too_large;
    std::vector<packet> packets;
    while (true) {
        auto end = body.find(record_separator);
        std::string_view part = body.substr(0, end);
        if (!part.empty() && part.front() == 'b') {
            auto bytes = decode_base64(part.substr(1));
            if (!bytes)
                return bytes.error();
            packets.push_back({packet_type::message, frame_kind::binary, std::move(*bytes)});
        } else {
            auto p = decode_text_packet(part);
            if (!p)
                return p.error();
            packets.push_back(std::move(*p));
        }
        if (end == std::string_view::npos)
            break;
        body.remove_prefix(end + 1);
    }
    return packets;
}

void append_encoded_to_payload(std::string& payload, std::string_view encoded, frame_kind kind) {
    if (!payload.empty())
        payload += record_separator;
    if (kind == frame_kind::binary) {
        payload += 'b';
        append_base64(payload, encoded);
    } else {
        payload += encoded;
    }
}

void append_to_payload(std::string& payload, const packet& p) {
    if (p.kind == frame_kind::binary) {
        append_encoded_to_payload(payload, p.data, frame_kind::binary);
    } else {
        if (!payload.empty())
            payload += record_separator;
        payload += static_cast<char>(p.type);
        payload += p.data;
    }
}

} // namespace imedge::protocol::engineio
