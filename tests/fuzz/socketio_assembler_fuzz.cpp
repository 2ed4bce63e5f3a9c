// Fuzzes the attachment assembler with a sequence of Engine.IO messages. Input format: two
// bytes of limits (attachment count, byte bound / 64), then records of
// [kind byte: even = text, odd = binary][length byte][bytes]. Checks: no crash; the pending
// bytes never pass the bound; a completed packet has exactly its announced attachments, all
// within the bounds; "waiting" and "incomplete since" agree.
#include "protocol/socketio/assembler.hpp"

#include "fuzz_check.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sio = imedge::protocol::socketio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    sio::assembler_limits limits{static_cast<std::size_t>(data[0] % 16),
                                 static_cast<std::size_t>(data[1]) * 64};
    sio::packet_assembler a(limits);
    std::size_t announced = 0;
    std::size_t pos = 2;
    auto now = sio::packet_assembler::clock::time_point{};
    while (pos + 2 <= size) {
        bool binary = (data[pos] & 1) != 0;
        std::size_t len = std::min<std::size_t>(data[pos + 1], size - pos - 2);
        std::string bytes(reinterpret_cast<const char*>(data) + pos + 2, len);
        pos += 2 + len;
        now += std::chrono::milliseconds(1);

        bool was_waiting = a.waiting_for_attachments();
        auto r = binary ? a.feed_binary(bytes) : a.feed_text(bytes, now);
        FUZZ_CHECK(a.pending_bytes() <= limits.max_bytes);
        FUZZ_CHECK(a.waiting_for_attachments() == a.incomplete_since().has_value());
        if (!a.waiting_for_attachments())
            FUZZ_CHECK(a.pending_bytes() == 0);
        if (!r) {
            FUZZ_CHECK(!a.waiting_for_attachments()); // an error drops what was pending
            continue;
        }
        if (!binary && !was_waiting && a.waiting_for_attachments()) {
            auto header = sio::decode_header(bytes, limits.max_attachments);
            FUZZ_CHECK(header && header->attachments > 0);
            FUZZ_CHECK(*a.incomplete_since() == now);
            announced = header->attachments;
        }
        if (!r->has_value())
            continue;
        const sio::inbound_packet& p = **r;
        FUZZ_CHECK(!a.waiting_for_attachments());
        if (sio::is_binary(p.type)) {
            FUZZ_CHECK(was_waiting && binary);
            FUZZ_CHECK(p.attachments.size() == announced);
            FUZZ_CHECK(announced <= limits.max_attachments);
            std::size_t total = p.json.size();
            for (const auto& part : p.attachments)
                total += part.size();
            FUZZ_CHECK(total <= limits.max_bytes);
        } else {
            FUZZ_CHECK(!binary && p.attachments.empty());
        }
    }
    return 0;
}
