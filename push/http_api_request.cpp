// Parsing and validating the push API's bodies: unknown fields, wrong types and every bound are
// refused with the field's path in the message (`operations[2].to.rooms[0]: ...`).
#include "push/http_api_request.hpp"

#include "protocol/json_text.hpp"
#include "protocol/socketio/event_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <optional>

namespace imedge::push {

std::string error_body(const api_error& e) {
    return fmt::format(R"({{"error":{{"code":{},"message":{}}}}})", protocol::json_string(e.code),
                       protocol::json_string(e.message));
}

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// Reads the fields of one object; the first problem found is kept and every later read is a
// no-op, so a parse function reads straight through and checks `failed()` once at the end.
class reader {
public:
    reader(const api_limits& limits, std::string path) : limits_(limits), path_(std::move(path)) {}

    bool failed() const { return error_.has_value(); }
    api_error take_error() { return std::move(*error_); }
    void fail(std::string_view field, std::string_view why) {
        if (!error_)
            error_ = api_error{400, "bad_request", fmt::format("{}: {}", where(field), why)};
    }
    std::string where(std::string_view field) const {
        if (path_.empty())
            return std::string(field);
        return field.empty() ? path_ : fmt::format("{}.{}", path_, field);
    }

    // Every field of `o` must be one of `known`.
    void only(object o, std::initializer_list<std::string_view> known) {
        for (auto field : o)
            if (std::find(known.begin(), known.end(), field.key) == known.end())
                return fail(field.key, "unknown field");
    }

    std::optional<std::string> name(object o, std::string_view field, bool required) {
        element e;
        if (o[field].get(e) != simdjson::SUCCESS) {
            if (required)
                fail(field, "required");
            return std::nullopt;
        }
        return name_of(e, where(field));
    }

    std::optional<std::string> name_of(element e, const std::string& at) {
        std::string_view v;
        if (e.get(v) != simdjson::SUCCESS) {
            fail_at(at, "must be a string");
            return std::nullopt;
        }
        if (v.empty() || v.size() > limits_.max_name) {
            fail_at(at, fmt::format("must be 1 to {} bytes", limits_.max_name));
            return std::nullopt;
        }
        return std::string(v);
    }

    // A list of names; absent is empty, present must hold 1..max_list of them.
    std::vector<std::string> names(object o, std::string_view field) {
        std::vector<std::string> out;
        element e;
        if (o[field].get(e) != simdjson::SUCCESS)
            return out;
        simdjson::dom::array a;
        if (e.get(a) != simdjson::SUCCESS) {
            fail(field, "must be an array of strings");
            return out;
        }
        if (a.size() == 0 || a.size() > limits_.max_list) {
            fail(field, fmt::format("must hold 1 to {} entries", limits_.max_list));
            return out;
        }
        std::size_t i = 0;
        for (auto item : a) {
            auto v = name_of(item, fmt::format("{}[{}]", where(field), i++));
            if (!v)
                return out;
            out.push_back(std::move(*v));
        }
        return out;
    }

    std::string nsp(object o) {
        auto v = name(o, "namespace", false);
        if (v && v->front() != '/')
            fail("namespace", "must start with '/'");
        return v.value_or("/");
    }

    // The {users, rooms, sids} fields of `o` (rooms only where a target may name them).
    api_target target(object o, bool with_rooms) {
        api_target t;
        t.users = names(o, "users");
        if (with_rooms)
            t.rooms = names(o, "rooms");
        t.sids = names(o, "sids");
        return t;
    }

    std::optional<object> sub_object(object o, std::string_view field) {
        element e;
        if (o[field].get(e) != simdjson::SUCCESS)
            return std::nullopt;
        object sub;
        if (e.get(sub) != simdjson::SUCCESS) {
            fail(field, "must be an object");
            return std::nullopt;
        }
        return sub;
    }

    const api_limits& limits() const { return limits_; }
    /// Keeps the first problem a reader of a nested object found.
    void adopt(reader& nested) {
        if (!error_ && nested.failed())
            error_ = nested.take_error();
    }

private:
    void fail_at(const std::string& at, std::string_view why) {
        if (!error_)
            error_ = api_error{400, "bad_request", fmt::format("{}: {}", at, why)};
    }

    const api_limits& limits_;
    std::string path_;
    std::optional<api_error> error_;
};

// Users name sockets through their user room; an id with ':' is none the IM service accepts.
void check_users(reader& r, const std::vector<std::string>& users, std::string_view field) {
    for (const auto& u : users)
        if (u.find(':') != std::string::npos)
            return r.fail(field, fmt::format("user '{}' contains ':'", u));
}

api_emit parse_emit(reader& r, object o) {
    r.only(o, {"op", "namespace", "event", "args", "users", "rooms", "sids", "except"});
    api_emit e;
    e.nsp = r.nsp(o);
    if (auto event = r.name(o, "event", true)) {
        if (!protocol::socketio::may_emit_event(*event))
            r.fail("event", fmt::format("'{}' is reserved by Socket.IO", *event));
        e.event = std::move(*event);
    }
    element args;
    if (o["args"].get(args) == simdjson::SUCCESS) {
        simdjson::dom::array a;
        if (args.get(a) != simdjson::SUCCESS)
            r.fail("args", "must be an array");
        else if (a.size() > r.limits().max_args)
            r.fail("args", fmt::format("must hold at most {} values", r.limits().max_args));
        else
            for (auto v : a)
                e.args.push_back(simdjson::minify(v));
    }
    e.to = r.target(o, true);
    check_users(r, e.to.users, "users");
    if (auto except = r.sub_object(o, "except")) {
        reader sub(r.limits(), r.where("except"));
        sub.only(*except, {"users", "rooms", "sids"});
        e.except = sub.target(*except, true);
        check_users(sub, e.except.users, "users");
        r.adopt(sub);
    }
    return e;
}

api_rooms parse_rooms(reader& r, object o, room_change change) {
    r.only(o, {"op", "namespace", "users", "sids", "room", "rooms"});
    api_rooms a;
    a.change = change;
    a.nsp = r.nsp(o);
    a.who = r.target(o, false);
    check_users(r, a.who.users, "users");
    a.rooms = r.names(o, "rooms");
    if (auto one = r.name(o, "room", false))
        a.rooms.push_back(std::move(*one));
    if (!r.failed() && a.rooms.empty())
        r.fail("rooms", "required (or room)");
    if (!r.failed() && a.who.empty())
        r.fail("users", "required (or sids)");
    return a;
}

api_disconnect parse_disconnect(reader& r, object o) {
    r.only(o, {"op", "namespace", "users", "sids"});
    api_disconnect d;
    d.nsp = r.nsp(o);
    d.who = r.target(o, false);
    check_users(r, d.who.users, "users");
    if (!r.failed() && d.who.empty())
        r.fail("users", "required (or sids)");
    return d;
}

constexpr std::size_t max_client_id = 128; // the IM service's own bound on client ids
constexpr std::size_t max_from = 64;

bool valid_from(std::string_view from) {
    return !from.empty() && from.size() <= max_from &&
           std::all_of(from.begin(), from.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
           });
}

api_message parse_message(reader& r, object o) {
    r.only(o, {"op", "conversation", "body", "client_id", "from"});
    api_message m;
    if (auto c = r.name(o, "conversation", true))
        m.conversation = std::move(*c);
    element body;
    if (o["body"].get(body) == simdjson::SUCCESS)
        m.body = simdjson::minify(body);
    else
        r.fail("body", "required");
    element e;
    if (o["client_id"].get(e) == simdjson::SUCCESS) {
        std::string_view id;
        if (e.get(id) != simdjson::SUCCESS || id.size() > max_client_id)
            r.fail("client_id", fmt::format("must be a string of at most {} bytes", max_client_id));
        else
            m.client_id = std::string(id);
    }
    std::string_view from = "api";
    if (o["from"].get(e) == simdjson::SUCCESS &&
        (e.get(from) != simdjson::SUCCESS || !valid_from(from)))
        r.fail("from", fmt::format("must be 1 to {} of [A-Za-z0-9._-]", max_from));
    m.sender = fmt::format("system:{}", from);
    return m;
}

std::optional<api_operation> parse_operation(reader& r, body_kind kind, object o) {
    api_operation op;
    switch (kind) {
    case body_kind::emit:
        op = parse_emit(r, o);
        break;
    case body_kind::join:
        op = parse_rooms(r, o, room_change::join);
        break;
    case body_kind::leave:
        op = parse_rooms(r, o, room_change::leave);
        break;
    case body_kind::disconnect:
        op = parse_disconnect(r, o);
        break;
    case body_kind::message:
        op = parse_message(r, o);
        break;
    case body_kind::batch:
        return std::nullopt; // not an operation
    }
    if (r.failed())
        return std::nullopt;
    return op;
}

std::optional<body_kind> kind_of(std::string_view op) {
    if (op == "emit")
        return body_kind::emit;
    if (op == "join")
        return body_kind::join;
    if (op == "leave")
        return body_kind::leave;
    if (op == "disconnect")
        return body_kind::disconnect;
    if (op == "message")
        return body_kind::message;
    return std::nullopt;
}

parsed_body parse_batch(reader& r, object o) {
    r.only(o, {"operations"});
    simdjson::dom::array list;
    if (o["operations"].get(list) != simdjson::SUCCESS)
        r.fail("operations", "required: an array of operations");
    else if (list.size() == 0 || list.size() > r.limits().max_batch)
        r.fail("operations", fmt::format("must hold 1 to {} operations", r.limits().max_batch));
    if (r.failed())
        return r.take_error();
    api_batch batch;
    std::size_t index = 0, messages = 0;
    for (auto item : list) {
        reader each(r.limits(), fmt::format("operations[{}]", index++));
        object op;
        if (item.get(op) != simdjson::SUCCESS) {
            each.fail("", "must be an object");
            return each.take_error();
        }
        auto name = each.name(op, "op", true);
        auto kind = name ? kind_of(*name) : std::nullopt;
        if (!kind) {
            each.fail("op", "must be emit, join, leave, disconnect or message"); // unless required
            return each.take_error();
        }
        if (*kind == body_kind::message && ++messages > 1) {
            each.fail("op", "a batch holds at most one message operation");
            return each.take_error();
        }
        auto parsed = parse_operation(each, *kind, op);
        if (!parsed)
            return each.take_error();
        batch.operations.push_back(std::move(*parsed));
    }
    return batch;
}

} // namespace

parsed_body parse_body(body_kind kind, std::string_view body, const api_limits& limits,
                       simdjson::dom::parser& parser) {
    if (body.size() > limits.max_body)
        return api_error{413, "payload_too_large",
                         fmt::format("the body is over {} bytes", limits.max_body)};
    object o;
    element root;
    if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS)
        return api_error{400, "bad_request", "the body is not JSON"};
    if (root.get(o) != simdjson::SUCCESS)
        return api_error{400, "bad_request", "the body must be a JSON object"};
    reader r(limits, "");
    if (kind == body_kind::batch)
        return parse_batch(r, o);
    // A single operation may name its op too (the same objects a batch holds), but must agree.
    std::string_view op;
    if (o["op"].get(op) == simdjson::SUCCESS && kind_of(op) != kind)
        return api_error{400, "bad_request", "op: does not match the route"};
    auto parsed = parse_operation(r, kind, o);
    if (!parsed)
        return r.take_error();
    return std::move(*parsed);
}

bool authorized(std::string_view authorization, const std::vector<std::string>& keys) {
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.size() <= scheme.size() || authorization.substr(0, scheme.size()) != scheme)
        return false;
    auto given = authorization.substr(scheme.size());
    bool found = false;
    for (const auto& key : keys) {
        // Every byte of every key is compared: neither a mismatch's position nor which key
        // matched shows in the time taken.
        unsigned diff = given.size() == key.size() ? 0U : 1U;
        for (std::size_t i = 0; i < key.size(); ++i)
            diff |= static_cast<unsigned char>(key[i]) ^
                    static_cast<unsigned char>(i < given.size() ? given[i] : 0);
        found |= diff == 0;
    }
    return found;
}

} // namespace imedge::push
