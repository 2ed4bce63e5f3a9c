// Fuzzes the Socket.IO packet header decoder and the JSON args decoder behind it: no crash;
// within the attachment bound; a packet both accept re-encodes (protocol/socketio/encode) to
// text they accept again, with the same namespace, ack id, name and arguments.
#include "protocol/socketio/encode.hpp"
#include "protocol/socketio/json_decoder.hpp"
#include "protocol/socketio/packet.hpp"

#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sio = imedge::protocol::socketio;
using sio::packet_type;

namespace {

constexpr std::size_t max_attachments = 10;

// The packet's arguments re-encoded as the server would send them, then decoded again.
void check_round_trip(sio::json_decoder& d, const sio::packet_header& h, const sio::args& decoded,
                      const std::string* name) {
    sio::args with_bytes = decoded;
    with_bytes.attachments.assign(h.attachments, std::string("x"));
    sio::payload p(with_bytes);
    std::string text;
    if (name)
        sio::append_event(text, h.nsp, *name, p, h.ack_id);
    else
        sio::append_ack(text, h.nsp, *h.ack_id, p);
    auto h2 = sio::decode_header(text, max_attachments);
    FUZZ_CHECK(h2);
    FUZZ_CHECK(h2->nsp == h.nsp);
    FUZZ_CHECK(h2->ack_id == h.ack_id);
    FUZZ_CHECK(h2->attachments == h.attachments);
    FUZZ_CHECK(sio::is_binary(h2->type) == (h.attachments > 0));
    sio::args again;
    if (name) {
        auto ev = d.decode_event(h2->data, h2->attachments);
        FUZZ_CHECK(ev);
        FUZZ_CHECK(ev->name == *name);
        again = std::move(ev->args);
    } else {
        auto ack = d.decode_ack(h2->data, h2->attachments);
        FUZZ_CHECK(ack);
        again = std::move(*ack);
    }
    FUZZ_CHECK(again.size() == decoded.size());
    for (std::size_t i = 0; i < decoded.size(); ++i) {
        FUZZ_CHECK(again[i].json == decoded[i].json);
        FUZZ_CHECK(again[i].kind == decoded[i].kind);
        FUZZ_CHECK(again[i].attachment == decoded[i].attachment);
        if (again[i].kind == sio::json_kind::binary)
            FUZZ_CHECK(again[i].attachment < h.attachments);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static sio::json_decoder decoder; // reused across inputs, as a shard reuses its own
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto h = sio::decode_header(input, max_attachments);
    if (!h)
        return 0;
    FUZZ_CHECK(h->attachments <= max_attachments);
    FUZZ_CHECK(sio::is_binary(h->type) == (h->attachments > 0));
    FUZZ_CHECK(!h->nsp.empty() && h->nsp.front() == '/');
    FUZZ_CHECK(h->data.data() >= input.data() &&
               h->data.data() + h->data.size() == input.data() + size);

    switch (h->type) {
    case packet_type::event:
    case packet_type::binary_event: {
        auto ev = decoder.decode_event(h->data, h->attachments);
        if (!ev)
            return 0;
        FUZZ_CHECK(!sio::is_reserved_event(ev->name));
        check_round_trip(decoder, *h, ev->args, &ev->name);
        break;
    }
    case packet_type::ack:
    case packet_type::binary_ack: {
        auto ack = decoder.decode_ack(h->data, h->attachments);
        if (!ack || !h->ack_id)
            return 0;
        check_round_trip(decoder, *h, *ack, nullptr);
        break;
    }
    case packet_type::connect: {
        auto auth = decoder.decode_connect(h->data);
        if (!auth)
            return 0;
        if (!auth->empty())
            FUZZ_CHECK(decoder.decode_connect(*auth).value() == *auth); // minified
        break;
    }
    default:
        break;
    }
    return 0;
}
