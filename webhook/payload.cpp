// Building the webhook body.
#include "webhook/payload.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

namespace imedge::webhook {

using protocol::json_string;

std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes)
        return text;
    auto cut = max_bytes;
    // text[cut] is the first byte left out: if it continues a sequence, so does the cut.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut);
}

preview make_preview(std::string_view kind, std::string_view body_json, std::size_t max_bytes,
                     simdjson::dom::parser& parser) {
    if (kind == "delete")
        return {};
    simdjson::dom::element body;
    if (parser.parse(body_json.data(), body_json.size()).get(body) != simdjson::SUCCESS)
        return {};
    std::string full;
    std::string_view text;
    simdjson::dom::object object;
    if (body.get(text) == simdjson::SUCCESS ||
        (body.get(object) == simdjson::SUCCESS && object["text"].get(text) == simdjson::SUCCESS)) {
        full = text;
    } else {
        full = simdjson::minify(body);
    }
    auto kept = truncate_utf8(full, max_bytes);
    return {std::string(kept), kept.size() < full.size()};
}

std::string payload_json(const push_notice& n, std::string_view id, std::size_t preview_bytes,
                         simdjson::dom::parser& parser) {
    const auto& m = *n.entry;
    auto p = make_preview(m.kind, m.body_json, preview_bytes, parser);
    auto out = fmt::format(
        R"({{"type":"message","id":{},"recipient":{},"conversation":{},"seq":{},"ts":{},)"
        R"("sender":{},"kind":{},"preview":{},"truncated":{},"badge":{})",
        json_string(id), json_string(n.recipient), json_string(m.conversation), m.seq, m.ts_ms,
        json_string(m.sender), json_string(m.kind), json_string(p.text), p.truncated, n.badge);
    if (m.ref)
        out += fmt::format(R"(,"ref":{})", m.ref);
    out += '}';
    return out;
}

} // namespace imedge::webhook
