// Socket.IO JSON data decoding on simdjson's DOM (it validates the whole document). The only
// file in the tree that includes simdjson.h.
#include "json_decoder.hpp"

#include <simdjson.h>

namespace imedge::protocol::socketio {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view placeholder_key = "_placeholder";

bool has_placeholder_key(simdjson::dom::object fields) {
    for (auto field : fields)
        if (field.key == placeholder_key)
            return true;
    return false;
}

// Reads the attachment index of an object that has a "_placeholder" key; false when the object
// is not exactly {"_placeholder":true,"num":N} with N < attachments. Keys are compared after
// unescaping, as JSON.parse compares them ("_placeholde\u0072" is the same key).
bool read_placeholder(simdjson::dom::object fields, std::size_t attachments, std::size_t& num) {
    bool seen_flag = false;
    bool seen_num = false;
    for (auto field : fields) {
        if (field.key == placeholder_key) {
            bool flag = false;
            if (seen_flag || field.value.get(flag) != simdjson::SUCCESS || !flag)
                return false;
            seen_flag = true;
        } else if (field.key == "num") {
            // INT64 / UINT64 only: 1.0, 1e0, "1" and -1 are refused.
            std::uint64_t n = 0;
            if (seen_num)
                return false;
            if (field.value.type() == element_type::INT64) {
                std::int64_t signed_n = field.value.get_int64().value_unsafe();
                if (signed_n < 0)
                    return false;
                n = static_cast<std::uint64_t>(signed_n);
            } else if (field.value.type() == element_type::UINT64) {
                n = field.value.get_uint64().value_unsafe();
            } else {
                return false;
            }
            if (n >= attachments)
                return false;
            num = static_cast<std::size_t>(n);
            seen_num = true;
        } else {
            return false;
        }
    }
    return seen_flag && seen_num;
}

// Checks every placeholder below `e` and counts them.
bool count_placeholders(element e, std::size_t attachments, std::size_t& count) {
    if (e.type() == element_type::ARRAY) {
        simdjson::dom::array children = e.get_array().value_unsafe();
        for (element child : children)
            if (!count_placeholders(child, attachments, count))
                return false;
    } else if (e.type() == element_type::OBJECT) {
        simdjson::dom::object fields = e.get_object().value_unsafe();
        if (has_placeholder_key(fields)) {
            std::size_t num = 0;
            if (!read_placeholder(fields, attachments, num))
                return false;
            ++count;
            return true;
        }
        for (auto field : fields)
            if (!count_placeholders(field.value, attachments, count))
                return false;
    }
    return true;
}

json_kind kind_of(element e) {
    switch (e.type()) {
    case element_type::STRING:
        return json_kind::string;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
        return json_kind::number;
    case element_type::BOOL:
        return json_kind::boolean;
    case element_type::NULL_VALUE:
        return json_kind::null;
    case element_type::ARRAY:
        return json_kind::array;
    case element_type::OBJECT:
        return json_kind::object;
    }
    return json_kind::null;
}

// `e` has passed count_placeholders, so a placeholder here is well-formed.
arg make_arg(element e, std::size_t attachments) {
    arg a;
    a.kind = kind_of(e);
    if (a.kind == json_kind::string) {
        a.text = std::string(e.get_string().value_unsafe());
    } else if (a.kind == json_kind::object) {
        simdjson::dom::object fields = e.get_object().value_unsafe();
        std::size_t num = 0;
        if (has_placeholder_key(fields) && read_placeholder(fields, attachments, num)) {
            a.kind = json_kind::binary;
            a.attachment = num;
        }
    }
    a.json = simdjson::minify(e);
    return a;
}

} // namespace

struct json_decoder::impl {
    simdjson::dom::parser parser;

    result<element> parse(std::string_view json) {
        element root;
        // realloc_if_needed: the input is copied into the parser's padded buffer.
        if (parser.parse(json.data(), json.size(), true).get(root) != simdjson::SUCCESS)
            return errc::bad_json;
        return root;
    }

    result<args> decode_array(std::string_view json, std::size_t attachments, std::string* name) {
        auto root = parse(json);
        if (!root)
            return root.error();
        simdjson::dom::array array;
        if (root->get(array) != simdjson::SUCCESS)
            return errc::bad_event_payload;
        std::size_t placeholders = 0;
        if (!count_placeholders(*root, attachments, placeholders))
            return errc::bad_placeholder;
        if (placeholders != attachments)
            return errc::bad_attachment_count;

        if (name && array.size() == 0)
            return errc::bad_event_payload;
        args out;
        out.items.reserve(array.size());
        bool at_first = true;
        for (element e : array) {
            if (at_first && name) {
                at_first = false;
                std::string_view text;
                if (e.get(text) != simdjson::SUCCESS)
                    return errc::event_name_not_string;
                *name = std::string(text);
                continue;
            }
            out.items.push_back(make_arg(e, attachments));
        }
        return out;
    }
};

json_decoder::json_decoder() : impl_(std::make_unique<impl>()) {}
json_decoder::~json_decoder() = default;
json_decoder::json_decoder(json_decoder&&) noexcept = default;
json_decoder& json_decoder::operator=(json_decoder&&) noexcept = default;

result<event_data> json_decoder::decode_event(std::string_view json, std::size_t attachments) {
    if (json.empty())
        return errc::bad_event_payload;
    event_data ev;
    auto decoded = impl_->decode_array(json, attachments, &ev.name);
    if (!decoded)
        return decoded.error();
    if (is_reserved_event(ev.name))
        return errc::event_name_not_string;
    ev.args = std::move(*decoded);
    return ev;
}

result<args> json_decoder::decode_ack(std::string_view json, std::size_t attachments) {
    if (json.empty())
        return errc::bad_event_payload;
    return impl_->decode_array(json, attachments, nullptr);
}

result<std::string> json_decoder::decode_connect(std::string_view json) {
    if (json.empty())
        return std::string{};
    auto root = impl_->parse(json);
    if (!root)
        return root.error();
    if (root->type() != element_type::OBJECT)
        return errc::bad_json;
    return simdjson::minify(*root);
}

} // namespace imedge::protocol::socketio
