// Emitter broadcasts (msgpack) and requests (JSON) -> actions.
#include "push/emitter_message.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>

namespace imedge::push {

namespace mp = msgpack;

namespace {

/// Writes an arg as JSON (bin -> placeholder + attachment), as socket.io-parser would send it.
std::optional<drop_reason> write_json(const mp::document& d, const mp::node& n, std::string& out,
                                      std::vector<std::string>& attachments) {
    switch (n.type) {
    case mp::kind::nil:
        out += "null";
        return {};
    case mp::kind::boolean:
        out += n.boolean ? "true" : "false";
        return {};
    case mp::kind::uint:
        out += fmt::format("{}", n.uint);
        return {};
    case mp::kind::sint:
        out += fmt::format("{}", n.sint);
        return {};
    case mp::kind::real:
        if (!std::isfinite(n.real))
            return drop_reason::non_finite_number;
        out += fmt::format("{}", n.real);
        return {};
    case mp::kind::str:
        protocol::append_json_string(out, n.text);
        return {};
    case mp::kind::bin:
        out += fmt::format(R"({{"_placeholder":true,"num":{}}})", attachments.size());
        attachments.push_back(n.text);
        return {};
    case mp::kind::array:
        out += '[';
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            if (i)
                out += ',';
            if (auto e = write_json(d, d.at(n.items[i]), out, attachments))
                return e;
        }
        out += ']';
        return {};
    case mp::kind::map:
        out += '{';
        for (std::size_t i = 0; i + 1 < n.items.size(); i += 2) {
            const auto& key = d.at(n.items[i]);
            if (key.type != mp::kind::str) // JS object keys are strings
                return drop_reason::wrong_type;
            if (i)
                out += ',';
            protocol::append_json_string(out, key.text);
            out += ':';
            if (auto e = write_json(d, d.at(n.items[i + 1]), out, attachments))
                return e;
        }
        out += '}';
        return {};
    }
    return drop_reason::wrong_type;
}

/// An absent field or an array of str.
bool read_rooms(const mp::document& d, const mp::node* n, std::vector<std::string>& out) {
    if (!n || n->type == mp::kind::nil)
        return true;
    if (n->type != mp::kind::array)
        return false;
    for (auto i : n->items) {
        const auto& r = d.at(i);
        if (r.type != mp::kind::str)
            return false;
        out.push_back(r.text);
    }
    return true;
}

bool read_rooms(simdjson::dom::element parent, std::string_view key,
                std::vector<std::string>& out) {
    auto field = parent[key];
    if (field.error() == simdjson::NO_SUCH_FIELD)
        return true;
    simdjson::dom::array a;
    if (field.get_array().get(a))
        return false;
    for (auto item : a) {
        std::string_view s;
        if (item.get_string().get(s))
            return false;
        out.emplace_back(s);
    }
    return true;
}

std::string escape_glob(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace

channel_kind classify_channel(std::string_view channel, std::string_view key) {
    if (channel.size() > key.size() && channel.starts_with(key)) {
        auto rest = channel.substr(key.size());
        if (rest.starts_with("#") && rest.ends_with("#") && rest.size() >= 3)
            return channel_kind::broadcast;
        if (rest.starts_with("-request#") && rest.ends_with("#") && rest.size() >= 11)
            return channel_kind::request;
    }
    return channel_kind::other;
}

std::string_view request_namespace(std::string_view channel, std::string_view key) {
    if (classify_channel(channel, key) != channel_kind::request)
        return {};
    auto rest = channel.substr(key.size() + 9);
    return rest.substr(0, rest.size() - 1);
}

std::string broadcast_pattern(std::string_view key) {
    return escape_glob(key) + "#*";
}
std::string request_pattern(std::string_view key) {
    return escape_glob(key) + "-request#*";
}

outcome from_emitter_broadcast(std::string_view bytes, const mp::limits& l,
                               std::string_view own_uid) {
    auto decoded = mp::decode(bytes, l);
    if (auto* why = std::get_if<drop_reason>(&decoded))
        return outcome::drop(*why);
    const auto& d = std::get<mp::document>(decoded);
    const auto& root = d.root();
    if (root.type != mp::kind::array || root.items.size() != 3)
        return outcome::drop(drop_reason::wrong_type);
    const auto& uid = d.at(root.items[0]);
    if (!own_uid.empty() && uid.type == mp::kind::str && uid.text == own_uid)
        return outcome::ignore();
    const auto& packet = d.at(root.items[1]);
    const auto& opts = d.at(root.items[2]);
    if (packet.type != mp::kind::map || opts.type != mp::kind::map)
        return outcome::drop(drop_reason::wrong_type);
    const auto* type = d.find(packet, "type");
    const auto* data = d.find(packet, "data");
    const auto* nsp = d.find(packet, "nsp");
    if (!type || !data)
        return outcome::drop(drop_reason::missing_field);
    // EVENT (2) is what the emitter writes; BINARY_EVENT (5) is how older emitters said "has
    // binary". Either way the attachments are found in the data itself.
    if (type->type != mp::kind::uint || (type->uint != 2 && type->uint != 5))
        return outcome::drop(drop_reason::unsupported_request);
    if (data->type != mp::kind::array || data->items.empty() || (nsp && nsp->type != mp::kind::str))
        return outcome::drop(drop_reason::wrong_type);
    const auto& event = d.at(data->items[0]);
    if (event.type != mp::kind::str)
        return outcome::drop(drop_reason::wrong_type);
    if (is_reserved_event(event.text))
        return outcome::drop(drop_reason::reserved_event);
    target to;
    if (!read_rooms(d, d.find(opts, "rooms"), to.rooms) ||
        !read_rooms(d, d.find(opts, "except"), to.except))
        return outcome::drop(drop_reason::wrong_type);
    std::vector<std::string> items, attachments;
    for (std::size_t i = 1; i < data->items.size(); ++i) {
        std::string text;
        if (auto e = write_json(d, d.at(data->items[i]), text, attachments))
            return outcome::drop(*e);
        items.push_back(std::move(text));
    }
    // flags (volatile, compress) change nothing here: every push is delivered, uncompressed.
    return outcome::of(emit_action{
        nsp ? nsp->text : "/", event.text,
        protocol::socketio::payload(std::move(items), std::move(attachments)), std::move(to)});
}

outcome from_emitter_request(std::string_view nsp, std::string_view json, std::size_t max_input,
                             std::string_view own_uid) {
    if (json.size() > max_input)
        return outcome::drop(drop_reason::too_large);
    // The subscriber thread decodes one request at a time; a parser per call keeps this
    // function free of state (requests are rare next to broadcasts).
    simdjson::dom::parser parser;
    simdjson::padded_string text(json);
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc))
        return outcome::drop(drop_reason::bad_json);
    if (!doc.is_object())
        return outcome::drop(drop_reason::wrong_type);
    if (std::string_view uid;
        !own_uid.empty() && !doc["uid"].get_string().get(uid) && uid == own_uid)
        return outcome::ignore();
    std::int64_t type = 0;
    auto t = doc["type"];
    if (t.error() == simdjson::NO_SUCH_FIELD)
        return outcome::drop(drop_reason::missing_field);
    if (t.get_int64().get(type))
        return outcome::drop(drop_reason::wrong_type);
    if (type != 2 && type != 3 && type != 4)
        return outcome::drop(drop_reason::unsupported_request);
    target who;
    auto opts = doc["opts"];
    if (opts.error() != simdjson::NO_SUCH_FIELD) {
        if (!opts.is_object() || !read_rooms(opts.value_unsafe(), "rooms", who.rooms) ||
            !read_rooms(opts.value_unsafe(), "except", who.except))
            return outcome::drop(drop_reason::wrong_type);
    }
    std::string ns(nsp);
    if (type == 4) // `close` would also end the Engine.IO connection; a namespace disconnect
        return outcome::of(disconnect_action{std::move(ns), std::move(who)}); // is what we do
    std::vector<std::string> rooms;
    if (doc["rooms"].error() == simdjson::NO_SUCH_FIELD)
        return outcome::drop(drop_reason::missing_field);
    if (!read_rooms(doc, "rooms", rooms))
        return outcome::drop(drop_reason::wrong_type);
    if (type == 2)
        return outcome::of(join_action{std::move(ns), std::move(who), std::move(rooms)});
    return outcome::of(leave_action{std::move(ns), std::move(who), std::move(rooms)});
}

} // namespace imedge::push
