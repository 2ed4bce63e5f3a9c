// The push API's operations, carried out with server_ref and the store.
#include "push/http_api_apply.hpp"

#include "protocol/json_text.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <memory>

namespace imedge::push {
namespace {

namespace asio = boost::asio;
using protocol::json_string;

// What a socket of a target is a member of: its user room, a room, or its sid (a room too).
std::vector<std::string> rooms_of(const api_target& t, const apply_context& ctx) {
    std::vector<std::string> out;
    out.reserve(t.users.size() + t.rooms.size() + t.sids.size());
    for (const auto& u : t.users)
        out.push_back(ctx.user_room_prefix + u);
    out.insert(out.end(), t.rooms.begin(), t.rooms.end());
    out.insert(out.end(), t.sids.begin(), t.sids.end());
    return out;
}

// Listed in an answer: enough to see where a user's devices are, bounded for a large room.
constexpr std::size_t listed_sockets = 1000;

std::string sockets_json(const server::sid_list& found) {
    std::string out = "[";
    for (std::size_t i = 0; i < found.sids.size(); ++i) {
        if (i)
            out += ',';
        out +=
            fmt::format(R"({{"sid":{},"shard":{}}})", json_string(found.sids[i]), found.shards[i]);
    }
    return out + "]";
}

// A room change's or disconnect's answer. In a cluster the other nodes were told to act on
// their own sockets by room (the same target, through Redis), which nobody counts here.
std::string sockets_answer(std::size_t here, bool other_nodes_told) {
    if (other_nodes_told)
        return fmt::format(R"({{"ok":true,"sockets":{},"other_nodes":true}})", here);
    return fmt::format(R"({{"ok":true,"sockets":{}}})", here);
}

api_error shard_timeout() {
    return {503, "unavailable", "a shard did not answer in time; nothing was applied"};
}

} // namespace

std::optional<socket_query> query_of(const api_operation& op, const apply_context& ctx) {
    if (const auto* r = std::get_if<api_rooms>(&op))
        return socket_query{r->nsp, {rooms_of(r->who, ctx), {}}};
    if (const auto* d = std::get_if<api_disconnect>(&op))
        return socket_query{d->nsp, {rooms_of(d->who, ctx), {}}};
    return std::nullopt;
}

asio::awaitable<resolution> resolve(server::server_ref io, socket_query q,
                                    std::size_t max_sockets_per_shard) {
    auto found = co_await io.of(q.nsp).fetch_sids(std::move(q.who), max_sockets_per_shard);
    resolution out;
    if (!found.complete)
        out.error = shard_timeout();
    else if (found.sids.size() < found.total)
        out.error = api_error{409, "too_many_sockets",
                              fmt::format("more than {} sockets of one shard; nothing was applied",
                                          max_sockets_per_shard)};
    else
        out.sids = std::move(found.sids);
    co_return out;
}

std::string carry_out(const server::server_ref& io, const api_operation& op,
                      const std::vector<std::string>& sids, const apply_context& ctx) {
    if (const auto* e = std::get_if<api_emit>(&op)) {
        server::payload data;
        for (const auto& a : e->args)
            data.add_json(a);
        // The event name was checked by the parser: this cannot throw.
        io.of(e->nsp).emit(e->event, data, {rooms_of(e->to, ctx), rooms_of(e->except, ctx)});
        return R"({"ok":true})";
    }
    if (const auto* r = std::get_if<api_rooms>(&op)) {
        auto ns = io.of(r->nsp);
        for (const auto& sid : sids)
            for (const auto& room : r->rooms) {
                if (r->change == room_change::join)
                    ns.enter_room(sid, room);
                else
                    ns.leave_room(sid, room);
            }
        auto kind = r->change == room_change::join ? server::socket_change_kind::join
                                                   : server::socket_change_kind::leave;
        return sockets_answer(sids.size(),
                              ns.tell_other_nodes({kind, rooms_of(r->who, ctx), r->rooms}));
    }
    if (const auto* d = std::get_if<api_disconnect>(&op)) {
        // Revocation: every socket of the user on every shard, and on every node.
        auto ns = io.of(d->nsp);
        for (const auto& sid : sids)
            ns.disconnect(sid);
        return sockets_answer(
            sids.size(), ns.tell_other_nodes(
                             {server::socket_change_kind::disconnect, rooms_of(d->who, ctx), {}}));
    }
    return R"({"ok":true})"; // a message is stored by store_message()
}

asio::awaitable<op_answer> store_message(server::server_ref io, api_message m, store::store* db) {
    if (!db)
        co_return op_answer{api_error{404, "not_found", "this server has no conversation store"},
                            {}};
    store::append_request r;
    r.conversation = std::move(m.conversation);
    r.sender = std::move(m.sender);
    r.body_json = std::move(m.body);
    r.client_id = std::move(m.client_id);
    r.from = store::sender_kind::system;
    auto shard = io.shard_index();
    // The store completes on this shard's thread (through the poster the IM service attached).
    auto initiate = [db, shard, r = std::move(r)](auto handler) mutable {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        db->append(shard, std::move(r),
                   [shared](store::append_result res) { (*shared)(std::move(res)); });
    };
    auto res =
        co_await asio::async_initiate<const asio::use_awaitable_t<>, void(store::append_result)>(
            std::move(initiate), asio::use_awaitable);
    if (res.code == store::status::no_such_conversation)
        co_return op_answer{api_error{404, "no_such_conversation", "no such conversation"}, {}};
    if (res.code == store::status::io_error)
        co_return op_answer{api_error{503, "store_unavailable", "the store failed; retry"}, {}};
    if (res.code != store::status::ok)
        co_return op_answer{api_error{409, store::error_name(res.code), "refused by the store"},
                            {}};
    co_return op_answer{
        std::nullopt,
        fmt::format(R"({{"ok":true,"conversation":{},"seq":{},"ts":{},"from":{},"duplicate":{}}})",
                    json_string(res.stored->conversation), res.stored->seq, res.stored->ts_ms,
                    json_string(res.stored->sender), res.duplicate)};
}

asio::awaitable<op_answer> user_presence(server::server_ref io, std::string user,
                                         std::string user_room) {
    // Named, not braced in the co_await: GCC 12 miscompiles an initializer list there.
    server::emit_options who;
    who.to.push_back(std::move(user_room));
    auto found = co_await io.fetch_sids(std::move(who), listed_sockets);
    if (!found.complete)
        co_return op_answer{shard_timeout(), {}};
    co_return op_answer{std::nullopt,
                        fmt::format(R"({{"user":{},"online":{},"devices":{},"sockets":{}}})",
                                    json_string(user), found.total > 0, found.total,
                                    sockets_json(found))};
}

asio::awaitable<op_answer> room_members(server::server_ref io, std::string room) {
    server::emit_options who;
    who.to.push_back(room);
    auto found = co_await io.fetch_sids(std::move(who), listed_sockets);
    if (!found.complete)
        co_return op_answer{shard_timeout(), {}};
    co_return op_answer{std::nullopt,
                        fmt::format(R"({{"room":{},"count":{},"truncated":{},"sockets":{}}})",
                                    json_string(room), found.total, found.sids.size() < found.total,
                                    sockets_json(found))};
}

} // namespace imedge::push
