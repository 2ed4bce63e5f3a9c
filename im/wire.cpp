// JSON out (fmt + the one escaping function) and field readers (simdjson).
#include "wire.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

namespace imedge::im {

using protocol::json_string;

std::string message_json(const store::message& m) {
    std::string out = fmt::format(
        R"({{"conversation":{},"seq":{},"ts":{},"from":{},"kind":{},"body":{},"client_id":{})",
        json_string(m.conversation), m.seq, m.ts_ms, json_string(m.sender), json_string(m.kind),
        m.body_json, json_string(m.client_id));
    if (m.ref)
        out += fmt::format(R"(,"ref":{})", m.ref);
    out += '}';
    return out;
}

std::string summaries_json(const std::vector<store::conversation_summary>& list) {
    std::string out = "[";
    for (const auto& c : list) {
        if (out.size() > 1)
            out += ',';
        out += fmt::format(R"({{"conversation":{},"last_seq":{},"delivered":{},"read":{},)"
                           R"("unread":{},"others":{{"delivered":{},"read":{}}}}})",
                           json_string(c.id), c.last_seq, c.delivered, c.read, c.unread,
                           c.others_delivered, c.others_read);
    }
    return out + "]";
}

std::string members_json(const std::vector<store::member>& list) {
    std::string out = "[";
    for (const auto& m : list) {
        if (out.size() > 1)
            out += ',';
        out += fmt::format(R"({{"user":{},"role":"{}"}})", json_string(m.user),
                           store::role_name(m.member_role));
    }
    return out + "]";
}

std::string presence_json(const store::presence_state& p) {
    return fmt::format(R"({{"user":{},"online":{},"last_seen":{}}})", json_string(p.user), p.online,
                       p.last_seen_ms);
}

std::string error_json(std::string_view code) {
    return fmt::format(R"({{"ok":false,"error":{}}})", json_string(code));
}

std::optional<std::string_view> string_field(simdjson::dom::object o, std::string_view name) {
    std::string_view v;
    if (o[name].get(v) != simdjson::SUCCESS)
        return std::nullopt;
    return v;
}

std::optional<std::uint64_t> seq_field(simdjson::dom::object o, std::string_view name) {
    std::uint64_t v = 0;
    if (o[name].get(v) != simdjson::SUCCESS)
        return std::nullopt;
    return v;
}

std::optional<std::string> json_field(simdjson::dom::object o, std::string_view name) {
    simdjson::dom::element e;
    if (o[name].get(e) != simdjson::SUCCESS)
        return std::nullopt;
    return simdjson::minify(e);
}

} // namespace imedge::im
