// python-socketio pub/sub pickle -> action. Arguments are written as JSON text the way
// python-socketio's server would send them: `data` a tuple = several args, None = none, else
// one arg; bytes anywhere become binary attachments with placeholders (packet.py
// _deconstruct_binary); dict keys that are numbers, bools or None become strings (json.dumps).
#include "push/pickle_message.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace imedge::push {

namespace pk = protocol::pickle;

namespace {

/// Writes a value as JSON, bounded by a visit budget and the nesting limit (a pickle's memo may
/// share one container many times, so the walk must bound itself).
class json_writer {
public:
    json_writer(std::vector<std::string>& attachments, const pk::limits& l)
        : attachments_(attachments), budget_(l.max_values), max_depth_(l.max_depth) {}

    std::optional<drop_reason> write(pk::value_ref v, std::string& out, std::size_t depth = 0) {
        if (budget_ == 0 || depth > max_depth_)
            return drop_reason::too_large;
        --budget_;
        switch (v.type()) {
        case pk::kind::none:
            out += "null";
            return {};
        case pk::kind::boolean:
            out += v.as_bool() ? "true" : "false";
            return {};
        case pk::kind::integer:
            out += fmt::format("{}", v.as_int());
            return {};
        case pk::kind::real:
            return write_real(v.as_real(), out);
        case pk::kind::str:
            protocol::append_json_string(out, v.as_text());
            return {};
        case pk::kind::bytes:
            out += fmt::format(R"({{"_placeholder":true,"num":{}}})", attachments_.size());
            attachments_.emplace_back(v.as_text());
            return {};
        case pk::kind::list:
        case pk::kind::tuple: {
            out += '[';
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i)
                    out += ',';
                if (auto e = write(v.at(i), out, depth + 1))
                    return e;
            }
            out += ']';
            return {};
        }
        case pk::kind::dict: {
            out += '{';
            for (std::size_t i = 0; i < v.entry_count(); ++i) {
                auto [key, value] = v.entry(i);
                if (i)
                    out += ',';
                if (auto e = write_key(key, out))
                    return e;
                out += ':';
                if (auto e = write(value, out, depth + 1))
                    return e;
            }
            out += '}';
            return {};
        }
        }
        return drop_reason::wrong_type;
    }

private:
    static std::optional<drop_reason> write_real(double d, std::string& out) {
        if (!std::isfinite(d))
            return drop_reason::non_finite_number;
        auto text = fmt::format("{}", d);
        // Python's repr keeps a float a float ("1.0"), so a Python client gets a float back.
        if (text.find_first_of(".e") == std::string::npos)
            text += ".0";
        out += text;
        return {};
    }

    // json.dumps turns str, int, float, bool and None keys into strings; anything else is a
    // TypeError there, so a wrong_type drop here.
    std::optional<drop_reason> write_key(pk::value_ref key, std::string& out) {
        std::string text;
        switch (key.type()) {
        case pk::kind::str:
            protocol::append_json_string(out, key.as_text());
            return {};
        case pk::kind::integer:
            text = fmt::format("{}", key.as_int());
            break;
        case pk::kind::boolean:
            text = key.as_bool() ? "true" : "false";
            break;
        case pk::kind::none:
            text = "null";
            break;
        case pk::kind::real:
            if (auto e = write_real(key.as_real(), text))
                return e;
            break;
        default:
            return drop_reason::wrong_type;
        }
        protocol::append_json_string(out, text);
        return {};
    }

    std::vector<std::string>& attachments_;
    std::size_t budget_;
    std::size_t max_depth_;
};

/// A str field, or `fallback` when it is absent or None.
std::optional<std::string> str_or(const pk::value_ref& dict, std::string_view key,
                                  std::string fallback, drop_reason& why) {
    auto v = dict.find(key);
    if (!v || v->is(pk::kind::none))
        return fallback;
    if (!v->is_str()) {
        why = drop_reason::wrong_type;
        return std::nullopt;
    }
    return std::string(v->as_text());
}

/// None, one str, or a list/tuple of str (python-socketio accepts all three for room and
/// skip_sid).
std::optional<std::vector<std::string>> rooms_of(const pk::value_ref& dict, std::string_view key,
                                                 drop_reason& why) {
    std::vector<std::string> out;
    auto v = dict.find(key);
    if (!v || v->is(pk::kind::none))
        return out;
    if (v->is_str()) {
        out.emplace_back(v->as_text());
        return out;
    }
    if (!v->is(pk::kind::list) && !v->is(pk::kind::tuple)) {
        why = drop_reason::wrong_type;
        return std::nullopt;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
        auto item = v->at(i);
        if (!item.is_str()) {
            why = drop_reason::wrong_type;
            return std::nullopt;
        }
        out.emplace_back(item.as_text());
    }
    return out;
}

outcome map_emit(const pk::value_ref& m, const pk::limits& l) {
    drop_reason why = drop_reason::wrong_type;
    auto event = m.find("event");
    if (!event)
        return outcome::drop(drop_reason::missing_field);
    if (!event->is_str())
        return outcome::drop(drop_reason::wrong_type);
    if (is_reserved_event(event->as_text()))
        return outcome::drop(drop_reason::reserved_event);
    auto nsp = str_or(m, "namespace", "/", why);
    auto room = rooms_of(m, "room", why);
    auto skip = rooms_of(m, "skip_sid", why);
    if (!nsp || !room || !skip)
        return outcome::drop(why);
    // A python server asking for an ack (callback set) cannot be answered from here: the
    // clients get the event without an ack id, as from a server with no such socket.
    std::vector<std::string> items, attachments;
    json_writer writer(attachments, l);
    auto add = [&](pk::value_ref v) -> std::optional<drop_reason> {
        std::string text;
        if (auto e = writer.write(v, text))
            return e;
        items.push_back(std::move(text));
        return {};
    };
    if (auto data = m.find("data"); data && !data->is(pk::kind::none)) {
        if (data->is(pk::kind::tuple)) {
            for (std::size_t i = 0; i < data->size(); ++i)
                if (auto e = add(data->at(i)))
                    return outcome::drop(*e);
        } else if (auto e = add(*data)) {
            return outcome::drop(*e);
        }
    }
    return outcome::of(
        emit_action{std::move(*nsp), std::string(event->as_text()),
                    protocol::socketio::payload(std::move(items), std::move(attachments)),
                    target{std::move(*room), std::move(*skip)}});
}

} // namespace

outcome from_pickle(std::string_view bytes, const pk::limits& l) {
    auto doc = pk::decode(bytes, l);
    if (!doc)
        return outcome::drop(doc.error() == pk::errc::too_large || doc.error() == pk::errc::too_deep
                                 ? drop_reason::too_large
                                 : drop_reason::bad_pickle);
    auto m = doc->root();
    if (!m.is(pk::kind::dict))
        return outcome::drop(drop_reason::wrong_type);
    auto method = m.find("method");
    if (!method)
        return outcome::drop(drop_reason::missing_field);
    if (!method->is_str())
        return outcome::drop(drop_reason::wrong_type);
    auto name = method->as_text();
    drop_reason why = drop_reason::wrong_type;
    if (name == "emit")
        return map_emit(m, l);
    if (name == "callback") // an ack travelling back to the python server that asked
        return outcome::ignore();
    auto nsp = str_or(m, "namespace", "/", why);
    if (!nsp)
        return outcome::drop(why);
    if (name == "disconnect" || name == "close_room") {
        auto key = name == "disconnect" ? "sid" : "room";
        auto v = m.find(key);
        if (!v || v->is(pk::kind::none))
            return outcome::drop(drop_reason::missing_field);
        if (!v->is_str())
            return outcome::drop(drop_reason::wrong_type);
        std::string id(v->as_text());
        if (name == "disconnect")
            return outcome::of(disconnect_action{std::move(*nsp), target{{std::move(id)}, {}}});
        return outcome::of(leave_action{std::move(*nsp), target{{id}, {}}, {id}});
    }
    return outcome::drop(drop_reason::unknown_method);
}

bool is_reserved_event(std::string_view name) {
    for (std::string_view r : {"connect", "connect_error", "disconnect", "disconnecting",
                               "newListener", "removeListener"})
        if (name == r)
            return true;
    return false;
}

} // namespace imedge::push
