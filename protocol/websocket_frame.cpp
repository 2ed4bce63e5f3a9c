// WebSocket frame header encoding.
#include "websocket_frame.hpp"

namespace imedge::protocol {

ws_frame_header encode_ws_frame_header(ws_opcode opcode, std::uint64_t payload_size) {
    ws_frame_header h;
    h.bytes[0] =
        static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(opcode)); // FIN + opcode
    if (payload_size < 126) {
        h.bytes[1] = static_cast<std::uint8_t>(payload_size);
        h.size = 2;
    } else if (payload_size <= 0xffff) {
        h.bytes[1] = 126;
        h.bytes[2] = static_cast<std::uint8_t>(payload_size >> 8);
        h.bytes[3] = static_cast<std::uint8_t>(payload_size);
        h.size = 4;
    } else {
        h.bytes[1] = 127;
        for (int i = 0; i < 8; ++i)
            h.bytes[2 + i] = static_cast<std::uint8_t>(payload_size >> (56 - 8 * i));
        h.size = 10;
    }
    return h;
}

} // namespace imedge::protocol
