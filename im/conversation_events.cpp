// The conversation events of the IM service: send, edit/delete, history, the conversation
// list, receipts and typing (groups: group_events.cpp). Writes go to the store; acks and
// fan-out happen in the completion, after COMMIT.
#include "shard_service.hpp"

#include "replies.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace imedge::im {
namespace {

using protocol::json_string;

constexpr std::size_t max_client_id = 128;
// A history page's byte bound: a quarter of the connection's outbox limit, and at least this.
// (A page holds its first entry whatever it weighs.)
constexpr std::size_t min_history_page_bytes = std::size_t{16} * 1024;

} // namespace

void shard_service::append(event& e, store::append_request r) {
    db_.append(shard_, std::move(r), [ack = std::move(e.ack)](store::append_result res) mutable {
        if (res.code != store::status::ok)
            return reply_error(ack, res.code);
        reply(ack, fmt::format(R"({{"ok":true,"conversation":{},"seq":{},"ts":{},"duplicate":{}}})",
                               json_string(res.stored->conversation), res.stored->seq,
                               res.stored->ts_ms, res.duplicate));
    });
}

void shard_service::send(event& e) {
    simdjson::dom::object a;
    auto* d = parse(e, a);
    if (!d)
        return;
    store::append_request r;
    r.sender = d->user;
    auto to = string_field(a, "to");
    auto conversation = string_field(a, "conversation");
    auto body = json_field(a, "body");
    auto client_id = string_field(a, "client_id");
    bool ok = body && (to ? valid_user(*to) : conversation && !conversation->empty()) &&
              (!client_id || client_id->size() <= max_client_id);
    if (!ok)
        return reply(e.ack, error_json("bad_request"));
    r.conversation = to ? store::direct_id(d->user, *to) : std::string(*conversation);
    r.body_json = std::move(*body);
    if (client_id)
        r.client_id = std::string(*client_id);
    append(e, std::move(r));
}

void shard_service::edit(event& e, std::string kind) {
    simdjson::dom::object a;
    auto* d = parse(e, a);
    if (!d)
        return;
    auto conversation = string_field(a, "conversation");
    auto ref = seq_field(a, "ref");
    auto body = kind == "edit" ? json_field(a, "body") : std::optional<std::string>("null");
    auto client_id = string_field(a, "client_id");
    if (!conversation || !ref || !body || (client_id && client_id->size() > max_client_id))
        return reply(e.ack, error_json("bad_request"));
    append(e, {std::string(*conversation), d->user, std::move(kind), std::move(*body),
               client_id ? std::string(*client_id) : std::string(), *ref});
}

void shard_service::history(event& e) {
    simdjson::dom::object a;
    std::string conversation;
    auto* d = parse(e, a, conversation);
    if (!d)
        return;
    store::read_request r{std::move(conversation), d->user, seq_field(a, "after").value_or(0),
                          seq_field(a, "before").value_or(0), seq_field(a, "limit").value_or(50)};
    // The ack must fit the connection's outbox (--outbox-limit) with room to spare, whatever
    // the entries weigh: a page of large bodies ends early and says so.
    if (auto level = link_.outbox(e.sid, d->via))
        r.max_bytes = std::max<std::size_t>(level->limit / 4, min_history_page_bytes);
    db_.read(shard_, std::move(r), [ack = std::move(e.ack)](const store::read_result& res) mutable {
        if (res.code != store::status::ok)
            return reply_error(ack, res.code);
        std::string list = "[";
        for (const auto& m : res.entries) {
            if (list.size() > 1)
                list += ',';
            list += message_json(*m);
        }
        reply(ack, fmt::format(R"({{"ok":true,"messages":{}]{}}})", list,
                               res.truncated ? R"(,"truncated":true)" : ""));
    });
}

void shard_service::conversations(event& e) {
    auto* d = find(e.sid);
    if (!d)
        return;
    db_.conversations(
        shard_, d->user,
        [ack = std::move(e.ack)](const std::vector<store::conversation_summary>& list) mutable {
            reply(ack, fmt::format(R"({{"ok":true,"conversations":{}}})", summaries_json(list)));
        });
}

void shard_service::receipt(event& e, std::string kind) {
    simdjson::dom::object a;
    auto* d = parse(e, a);
    if (!d)
        return;
    auto conversation = string_field(a, "conversation");
    auto seq = seq_field(a, "seq");
    if (!conversation || !seq)
        return reply(e.ack, error_json("bad_request"));
    std::string id(*conversation);
    db_.set_receipt(shard_, d->user, id, kind, *seq,
                    [this, ack = std::move(e.ack), user = d->user, id, kind,
                     sid = e.sid](store::receipt_result res) mutable {
                        if (res.code != store::status::ok)
                            return reply_error(ack, res.code);
                        reply(ack, fmt::format(R"({{"ok":true,"seq":{}}})", res.seq));
                        link_.emit_to_rooms(
                            "receipt",
                            fmt::format(R"({{"conversation":{},"user":{},"kind":"{}","seq":{}}})",
                                        json_string(id), json_string(user), kind, res.seq),
                            rooms_of(res.members), sid);
                    });
}

void shard_service::typing(event& e) {
    simdjson::dom::object a;
    std::string conversation;
    auto* d = parse(e, a, conversation);
    if (!d)
        return;
    std::string id = std::move(conversation);
    auto note =
        fmt::format(R"({{"conversation":{},"user":{}}})", json_string(id), json_string(d->user));
    std::string first, second;
    if (store::direct_members(id, first, second)) {
        // A direct pair needs no look-up: the id names both users.
        if (d->user != first && d->user != second)
            return reply_error(e.ack, store::status::not_member);
        link_.emit_to_rooms("typing", std::move(note), {room_of(first), room_of(second)}, e.sid);
        return reply(e.ack, R"({"ok":true})");
    }
    db_.members(
        shard_, d->user, id,
        [this, ack = std::move(e.ack), note, sid = e.sid](const store::group_result& res) mutable {
            if (res.code != store::status::ok)
                return reply_error(ack, res.code);
            link_.emit_to_rooms("typing", std::move(note), rooms_of(res.members), sid);
            reply(ack, R"({"ok":true})");
        });
}

void shard_service::presence(event& e) {
    simdjson::dom::object a;
    auto* d = parse(e, a);
    if (!d)
        return;
    std::vector<std::string> users;
    simdjson::dom::array given;
    if (a["users"].get(given) != simdjson::SUCCESS || given.size() > options_.max_group_size)
        return reply(e.ack, error_json("bad_request"));
    for (auto u : given) {
        std::string_view user;
        if (u.get(user) != simdjson::SUCCESS || !valid_user(user))
            return reply(e.ack, error_json("bad_request"));
        users.emplace_back(user);
    }
    db_.presence(shard_, std::move(users),
                 [ack = std::move(e.ack)](const std::vector<store::presence_state>& list) mutable {
                     std::string out = "[";
                     for (const auto& p : list) {
                         if (out.size() > 1)
                             out += ',';
                         out += presence_json(p);
                     }
                     reply(ack, fmt::format(R"({{"ok":true,"presence":{}]}})", out));
                 });
}

} // namespace imedge::im
