// RFC 6455 §5.2 frame headers for server-to-client frames (never masked), so several queued
// messages can be written with one gather write instead of one system call each.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace imedge::protocol {

enum class ws_opcode : std::uint8_t { text = 0x1, binary = 0x2 };

/// A complete (FIN) unmasked frame header: 2, 4 or 10 bytes.
struct ws_frame_header {
    std::array<std::uint8_t, 10> bytes{};
    std::size_t size = 0;
};

ws_frame_header encode_ws_frame_header(ws_opcode opcode, std::uint64_t payload_size);

} // namespace imedge::protocol
