#include "push/cluster_message.hpp"

#include "push/msgpack_writer.hpp"

#include <simdjson.h>

namespace imedge::push {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// {"_placeholder":true,"num":N} exactly, as the ingress rule reads it (protocol/socketio).
std::optional<std::uint64_t> placeholder_number(simdjson::dom::object o) {
    if (o.size() != 2)
        return std::nullopt;
    bool flag = false;
    std::uint64_t num = 0;
    if (o["_placeholder"].get(flag) != simdjson::SUCCESS || !flag)
        return std::nullopt;
    if (o["num"].get(num) != simdjson::SUCCESS)
        return std::nullopt;
    return num;
}

bool write_value(element v, const std::vector<std::string>& attachments, msgpack::writer& w) {
    switch (v.type()) {
    case element_type::NULL_VALUE:
        w.nil();
        return true;
    case element_type::BOOL:
        w.boolean(v.get_bool().value_unsafe());
        return true;
    case element_type::INT64:
        w.sint(v.get_int64().value_unsafe());
        return true;
    case element_type::UINT64:
        w.uint(v.get_uint64().value_unsafe());
        return true;
    case element_type::DOUBLE:
        w.real(v.get_double().value_unsafe());
        return true;
    case element_type::STRING:
        w.str(v.get_string().value_unsafe());
        return true;
    case element_type::ARRAY: {
        auto a = v.get_array().value_unsafe();
        w.array(a.size());
        for (auto item : a)
            if (!write_value(item, attachments, w))
                return false;
        return true;
    }
    case element_type::OBJECT: {
        auto o = v.get_object().value_unsafe();
        if (auto num = placeholder_number(o)) {
            if (*num >= attachments.size())
                return false;
            w.bin(attachments[*num]);
            return true;
        }
        w.map(o.size());
        for (auto field : o) {
            w.str(field.key);
            if (!write_value(field.value, attachments, w))
                return false;
        }
        return true;
    }
    }
    return false;
}

void write_rooms(const std::vector<std::string>& rooms, msgpack::writer& w) {
    w.array(rooms.size());
    for (const auto& r : rooms)
        w.str(r);
}

} // namespace

std::string cluster_channel(std::string_view key, const cluster_emit& e) {
    std::string channel = std::string(key) + '#' + e.nsp + '#';
    if (e.rooms.size() == 1)
        channel += e.rooms.front() + '#';
    return channel;
}

std::optional<std::string> encode_cluster_emit(std::string_view uid, const cluster_emit& e,
                                               simdjson::dom::parser& parser) {
    msgpack::writer w;
    w.array(3);
    w.str(uid);
    w.map(3);
    w.str("type");
    w.uint(2); // EVENT: binary args are bin values inside `data`, as the emitter writes them
    w.str("data");
    w.array(1 + e.data.items().size());
    w.str(e.event);
    for (const auto& item : e.data.items()) {
        simdjson::padded_string text(item);
        element v;
        if (parser.parse(text).get(v) != simdjson::SUCCESS)
            return std::nullopt;
        if (!write_value(v, e.data.attachments(), w))
            return std::nullopt;
    }
    w.str("nsp");
    w.str(e.nsp);
    w.map(3);
    w.str("rooms");
    write_rooms(e.rooms, w);
    w.str("except");
    write_rooms(e.except, w);
    w.str("flags");
    w.map(0);
    return w.take();
}

} // namespace imedge::push
