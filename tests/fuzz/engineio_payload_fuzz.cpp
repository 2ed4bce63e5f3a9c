// Fuzzes the Engine.IO long-polling payload decoder (packets split by 0x1e, 'b' + base64 for
// binary): no crash; the byte bound holds; the decoded packets re-encode to a payload that
// decodes to the same packets.
#include "protocol/engineio/payload.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace eio = imedge::protocol::engineio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    // the first byte picks the bound, so both sides of it are explored
    const std::size_t max_payload = static_cast<std::size_t>(data[0]) * 16;
    std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    auto packets = eio::decode_payload(body, max_payload);
    if (!packets) {
        if (body.size() > max_payload)
            FUZZ_CHECK(packets.error() == imedge::protocol::errc::payload_too_large);
        return 0;
    }
    FUZZ_CHECK(body.size() <= max_payload);
    FUZZ_CHECK(!packets->empty());
    std::size_t total = 0;
    std::string again;
    for (const auto& p : *packets) {
        total += p.data.size();
        eio::append_to_payload(again, p);
    }
    FUZZ_CHECK(total <= body.size()); // base64 only shrinks, separators are dropped
    auto back = eio::decode_payload(again, std::numeric_limits<std::size_t>::max());
    FUZZ_CHECK(back && *back == *packets);
    return 0;
}
