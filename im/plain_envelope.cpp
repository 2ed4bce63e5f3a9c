// Decoding /ws requests and encoding their answers.
#include "plain_envelope.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

namespace imedge::im {
namespace {

std::string id_member(std::string_view id_json) {
    return id_json.empty() ? std::string() : fmt::format(R"("id":{},)", id_json);
}

// A request id: a string of at most max_request_id bytes or a non-negative integer, kept as
// JSON text so the answer echoes it exactly.
std::optional<std::string> read_id(simdjson::dom::element id) {
    if (std::string_view s; id.get(s) == simdjson::SUCCESS)
        return s.size() <= max_request_id ? std::optional(protocol::json_string(s)) : std::nullopt;
    if (std::uint64_t n = 0; id.get(n) == simdjson::SUCCESS)
        return std::to_string(n);
    return std::nullopt;
}

} // namespace

std::variant<plain_request, plain_refusal> decode_plain_request(std::string_view text,
                                                                simdjson::dom::parser& parser) {
    if (text.size() > max_plain_request)
        return plain_refusal{"too_large", {}};
    simdjson::dom::object o;
    if (parser.parse(text.data(), text.size()).get(o) != simdjson::SUCCESS)
        return plain_refusal{"bad_json", {}};
    plain_request r;
    if (auto id = o["id"]; id.error() == simdjson::SUCCESS) {
        auto read = read_id(id.value_unsafe());
        if (!read)
            return plain_refusal{"bad_id", {}};
        r.id_json = std::move(*read);
    }
    if (auto data = o["data"]; data.error() == simdjson::SUCCESS) {
        r.data_json = simdjson::minify(data.value_unsafe());
        r.data_type = data.value_unsafe().type();
    }
    std::string_view type;
    if (auto t = o["type"]; t.error() == simdjson::SUCCESS) {
        if (t.get(type) != simdjson::SUCCESS || type.empty())
            return plain_refusal{"bad_request", r.id_json};
        r.type = std::string(type);
        return r;
    }
    // No "type": seed 004's {"sender","receiver","data"}, all three required.
    std::string_view sender, receiver;
    if (o["sender"].get(sender) != simdjson::SUCCESS ||
        o["receiver"].get(receiver) != simdjson::SUCCESS || !r.data_json)
        return plain_refusal{"bad_request", r.id_json};
    r.type = "send";
    r.data_type = simdjson::dom::element_type::OBJECT;
    r.seed_sender = std::string(sender);
    r.data_json =
        fmt::format(R"({{"to":{},"body":{}}})", protocol::json_string(receiver), *r.data_json);
    return r;
}

std::string ack_envelope(std::string_view id_json, std::string_view data_json) {
    return fmt::format(R"({{"type":"ack",{}"data":{}}})", id_member(id_json),
                       data_json.empty() ? "null" : data_json);
}

std::string error_envelope(std::string_view id_json, std::string_view code) {
    return fmt::format(R"({{"type":"error",{}"error":{}}})", id_member(id_json),
                       protocol::json_string(code));
}

} // namespace imedge::im
