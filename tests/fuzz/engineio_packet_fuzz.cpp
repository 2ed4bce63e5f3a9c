// Fuzzes the Engine.IO text packet decoder: no crash; a decoded packet re-encodes to the input.
#include "protocol/engineio/packet.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace eio = imedge::protocol::engineio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto p = eio::decode_text_packet(input);
    if (!p)
        return 0;
    FUZZ_CHECK(p->kind == eio::frame_kind::text);
    FUZZ_CHECK(p->data.size() + 1 == size);
    std::string again = eio::encode_text_packet(p->type, p->data);
    FUZZ_CHECK(again == input); // the text form is canonical: one type byte and the data
    auto back = eio::decode_text_packet(again);
    FUZZ_CHECK(back && *back == *p);
    return 0;
}
