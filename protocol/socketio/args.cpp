// args accessors and the payload builder.
#include "args.hpp"

#include "../json_text.hpp"

namespace imedge::protocol::socketio {

std::string_view args::string_at(std::size_t i) const {
    if (i >= items.size() || items[i].kind != json_kind::string)
        return {};
    return items[i].text;
}

std::string_view args::binary_at(std::size_t i) const {
    if (i >= items.size() || items[i].kind != json_kind::binary)
        return {};
    if (items[i].attachment >= attachments.size())
        return {};
    return attachments[items[i].attachment];
}

payload::payload(const args& received) : attachments_(received.attachments) {
    items_.reserve(received.items.size());
    for (const auto& a : received.items)
        items_.push_back(a.json);
}

payload& payload::add_json(std::string json_text) {
    items_.push_back(std::move(json_text));
    return *this;
}

payload& payload::add_string(std::string_view text) {
    items_.push_back(json_string(text));
    return *this;
}

payload& payload::add_int(std::int64_t value) {
    items_.push_back(std::to_string(value));
    return *this;
}

payload& payload::add_bool(bool value) {
    items_.emplace_back(value ? "true" : "false");
    return *this;
}

payload& payload::add_null() {
    items_.emplace_back("null");
    return *this;
}

payload& payload::add_binary(std::string bytes) {
    items_.push_back(R"({"_placeholder":true,"num":)" + std::to_string(attachments_.size()) + "}");
    attachments_.push_back(std::move(bytes));
    return *this;
}

void payload::append_json_array(std::string& out, std::optional<std::string_view> event) const {
    std::size_t size = 2 + (event ? event->size() + 3 : 0);
    for (const auto& i : items_)
        size += i.size() + 1;
    out.reserve(out.size() + size);
    out += '[';
    bool first = true;
    if (event) {
        append_json_string(out, *event);
        first = false;
    }
    for (const auto& i : items_) {
        if (!first)
            out += ',';
        out += i;
        first = false;
    }
    out += ']';
}

std::string payload::json_array() const {
    std::string out;
    append_json_array(out);
    return out;
}

std::string payload::json_array(std::string_view event) const {
    std::string out;
    append_json_array(out, event);
    return out;
}

} // namespace imedge::protocol::socketio
