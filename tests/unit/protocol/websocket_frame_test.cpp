// Server frame headers against RFC 6455 §5.2 length encodings, checked by Beast-free decoding.
#include "protocol/websocket_frame.hpp"

#include <doctest.h>

using namespace imedge::protocol;

namespace {
// Decodes a header as a client would: FIN, opcode, no mask bit, payload length.
std::uint64_t decoded_length(const ws_frame_header& h, std::uint8_t& opcode, bool& fin,
                             bool& masked) {
    fin = (h.bytes[0] & 0x80) != 0;
    opcode = h.bytes[0] & 0x0f;
    masked = (h.bytes[1] & 0x80) != 0;
    std::uint64_t len = h.bytes[1] & 0x7f;
    if (len == 126)
        return std::uint64_t(h.bytes[2]) << 8 | h.bytes[3];
    if (len == 127) {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v = v << 8 | h.bytes[2 + i];
        return v;
    }
    return len;
}
} // namespace

TEST_SUITE("protocol") {
    TEST_CASE("frame header lengths use the shortest of the three encodings") {
        for (std::uint64_t size : {0ull, 1ull, 125ull, 126ull, 127ull, 65535ull, 65536ull,
                                   1ull << 32, (1ull << 63) - 1}) {
            CAPTURE(size);
            for (auto op : {ws_opcode::text, ws_opcode::binary}) {
                auto h = encode_ws_frame_header(op, size);
                std::uint8_t opcode = 0;
                bool fin = false, masked = true;
                CHECK(decoded_length(h, opcode, fin, masked) == size);
                CHECK(fin);
                CHECK_FALSE(masked);
                CHECK(opcode == static_cast<std::uint8_t>(op));
                CHECK(h.size == (size < 126 ? 2u : size <= 65535 ? 4u : 10u));
            }
        }
    }
}
