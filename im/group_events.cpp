// The group events of the IM service: create (when the token carries --group-create-claim),
// join, leave, invite, add, remove, role changes and the member list. The rules are the
// store's (store/group_rules.hpp), applied in its writer; the `group` event to every member
// goes out after COMMIT.
#include "shard_service.hpp"

#include "replies.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace imedge::im {
namespace {

using protocol::json_string;

std::string_view change_name(store::group_op op) {
    switch (op) {
    case store::group_op::join:
        return "joined";
    case store::group_op::leave:
        return "left";
    case store::group_op::invite:
        return "invited";
    case store::group_op::add:
        return "added";
    case store::group_op::remove:
        return "removed";
    case store::group_op::set_role:
        return "role";
    }
    return "changed";
}

std::string group_ack(const store::group_result& res) {
    return fmt::format(R"({{"ok":true,"conversation":{},"members":{}}})",
                       json_string(res.conversation), members_json(res.members));
}

} // namespace

void shard_service::announce_group(const std::string& conversation, std::string_view change,
                                   const std::string& user, const std::string& by,
                                   const std::vector<store::member>& members,
                                   const std::string& also_to) {
    auto rooms = rooms_of(members);
    if (!also_to.empty())
        rooms.push_back(room_of(also_to)); // who left, was removed or was invited hears it too
    link_.emit_to_rooms(
        "group",
        fmt::format(R"({{"conversation":{},"change":"{}","user":{},"by":{},"members":{}}})",
                    json_string(conversation), change, json_string(user), json_string(by),
                    members_json(members)),
        std::move(rooms));
}

void shard_service::group_create(event& e) {
    simdjson::dom::object a;
    auto* d = parse(e, a);
    if (!d)
        return;
    const auto& claim = options_.group_create_claim;
    if (!claim.empty() && std::find(d->claims.begin(), d->claims.end(), claim) == d->claims.end())
        return reply_error(e.ack, store::status::forbidden);
    std::vector<std::string> members;
    simdjson::dom::array given;
    if (a["members"].get(given) == simdjson::SUCCESS) {
        for (auto m : given) {
            std::string_view user;
            if (m.get(user) != simdjson::SUCCESS || !valid_user(user) ||
                members.size() > options_.max_group_size)
                return reply(e.ack, error_json("bad_request"));
            members.emplace_back(user);
        }
    }
    bool open = false;
    if (auto flag = a["open"];
        flag.error() != simdjson::NO_SUCH_FIELD && flag.get(open) != simdjson::SUCCESS)
        return reply(e.ack, error_json("bad_request"));
    auto cap = std::min<std::uint64_t>(
        seq_field(a, "max_members").value_or(options_.max_group_size), options_.max_group_size);
    std::string title(string_field(a, "title").value_or(""));
    db_.create_group(
        shard_, d->user, std::move(title), std::move(members), cap,
        open ? store::group_access::open : store::group_access::invite_only,
        [this, ack = std::move(e.ack), user = d->user,
         open](const store::group_result& res) mutable {
            if (res.code != store::status::ok)
                return reply_error(ack, res.code);
            reply(ack, fmt::format(R"({{"ok":true,"conversation":{},"open":{},"members":{}}})",
                                   json_string(res.conversation), open, members_json(res.members)));
            announce_group(res.conversation, "created", user, user, res.members);
        });
}

void shard_service::group_manage(event& e, store::group_op op) {
    simdjson::dom::object a;
    std::string conversation;
    auto* d = parse(e, a, conversation);
    if (!d)
        return;
    store::group_change change{std::move(conversation), d->user, op, {}, store::role::member};
    const bool self = op == store::group_op::join || op == store::group_op::leave;
    if (!self) {
        auto target = string_field(a, "user");
        if (!target || !valid_user(*target))
            return reply(e.ack, error_json("bad_request"));
        change.target = std::string(*target);
    }
    if (op == store::group_op::set_role) {
        auto name = string_field(a, "role");
        if (!name || !store::parse_role(*name, change.new_role))
            return reply(e.ack, error_json("bad_request"));
    }
    auto user = self ? d->user : change.target;
    db_.change_group(shard_, std::move(change),
                     [this, ack = std::move(e.ack), op, user,
                      by = d->user](const store::group_result& res) mutable {
                         if (res.code != store::status::ok)
                             return reply_error(ack, res.code);
                         reply(ack, group_ack(res));
                         if (!res.changed)
                             return;
                         const bool outside = op == store::group_op::leave ||
                                              op == store::group_op::remove ||
                                              op == store::group_op::invite;
                         announce_group(res.conversation, change_name(op), user, by, res.members,
                                        outside ? user : std::string());
                     });
}

void shard_service::group_members(event& e) {
    simdjson::dom::object a;
    std::string conversation;
    auto* d = parse(e, a, conversation);
    if (!d)
        return;
    db_.members(shard_, d->user, std::move(conversation),
                [ack = std::move(e.ack)](const store::group_result& res) mutable {
                    if (res.code != store::status::ok)
                        return reply_error(ack, res.code);
                    reply(ack,
                          fmt::format(R"({{"ok":true,"members":{}}})", members_json(res.members)));
                });
}

} // namespace imedge::im
