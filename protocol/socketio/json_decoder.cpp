// Socket.IO JSON data decoding on simdjson's DOM (it validates the whole document).
#include "json_decoder.hpp"

#include <array>

namespace imedge::protocol::socketio {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A binary placeholder is {"_placeholder":true,"num":<n>}.
bool as_placeholder(element e, std::uint64_t& num) {
    if (e.type() != element_type::OBJECT) return false;
    bool flag = false;
    if (e["_placeholder"].get(flag) != simdjson::SUCCESS || !flag) return false;
    return e["num"].get(num) == simdjson::SUCCESS;
}

// Counts placeholders below `e` and checks that each refers to an attachment.
bool count_placeholders(element e, std::size_t attachments, std::size_t& count) {
    std::uint64_t num = 0;
    if (as_placeholder(e, num)) {
        if (num >= attachments) return false;
        ++count;
        return true;
    }
    if (e.type() == element_type::ARRAY) {
        simdjson::dom::array children = e.get_array().value_unsafe();
        for (element child : children)
            if (!count_placeholders(child, attachments, count)) return false;
    } else if (e.type() == element_type::OBJECT) {
        simdjson::dom::object fields = e.get_object().value_unsafe();
        for (auto field : fields)
            if (!count_placeholders(field.value, attachments, count)) return false;
    }
    return true;
}

json_kind kind_of(element e) {
    switch (e.type()) {
    case element_type::STRING: return json_kind::string;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return json_kind::number;
    case element_type::BOOL: return json_kind::boolean;
    case element_type::NULL_VALUE: return json_kind::null;
    case element_type::ARRAY: return json_kind::array;
    case element_type::OBJECT: return json_kind::object;
    }
    return json_kind::null;
}

arg make_arg(element e) {
    arg a;
    std::uint64_t num = 0;
    if (as_placeholder(e, num)) {
        a.kind = json_kind::binary;
        a.attachment = static_cast<std::size_t>(num);
    } else {
        a.kind = kind_of(e);
        if (a.kind == json_kind::string) a.text = std::string(e.get_string().value_unsafe());
    }
    a.json = simdjson::minify(e);
    return a;
}

} // namespace

bool is_reserved_event(std::string_view name) {
    static constexpr std::array<std::string_view, 6> reserved = {
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};
    for (auto r : reserved)
        if (r == name) return true;
    return false;
}

result<args> json_decoder::decode_array(std::string_view json, std::size_t attachments,
                                        bool skip_first, std::string* first) {
    element root;
    if (parser_.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS)
        return errc::bad_json;
    simdjson::dom::array array;
    if (root.get(array) != simdjson::SUCCESS) return errc::bad_event_payload;
    std::size_t placeholders = 0;
    if (!count_placeholders(root, attachments, placeholders)) return errc::bad_placeholder;
    if (placeholders != attachments) return errc::bad_attachment_count;

    if (skip_first && array.size() == 0) return errc::bad_event_payload;
    args out;
    out.items.reserve(array.size());
    bool at_first = true;
    for (element e : array) {
        if (at_first && skip_first) {
            at_first = false;
            std::string_view name;
            if (e.get(name) != simdjson::SUCCESS) return errc::event_name_not_string;
            *first = std::string(name);
            continue;
        }
        out.items.push_back(make_arg(e));
    }
    return out;
}

result<event_data> json_decoder::decode_event(std::string_view json, std::size_t attachments) {
    if (json.empty()) return errc::bad_event_payload;
    event_data ev;
    auto decoded = decode_array(json, attachments, true, &ev.name);
    if (!decoded) return decoded.error();
    if (is_reserved_event(ev.name)) return errc::event_name_not_string;
    ev.args = std::move(*decoded);
    return ev;
}

result<args> json_decoder::decode_ack(std::string_view json, std::size_t attachments) {
    if (json.empty()) return errc::bad_event_payload;
    return decode_array(json, attachments, false, nullptr);
}

result<std::string> json_decoder::decode_connect(std::string_view json) {
    if (json.empty()) return std::string{};
    element root;
    if (parser_.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS)
        return errc::bad_json;
    if (root.type() != element_type::OBJECT) return errc::bad_json;
    return simdjson::minify(root);
}

} // namespace imedge::protocol::socketio
