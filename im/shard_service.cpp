// The IM service on one shard: identity at connect, devices, the live feed and catch-up.
// The conversation events are in conversation_events.cpp.
#include "shard_service.hpp"

#include "replies.hpp"
#include "wire.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace imedge::im {
namespace {

constexpr std::size_t fetch_page = 500; // entries per catch-up read
// Entries a device's pacing may hold: a page, plus the live entries a cursor held during the
// read (delivery_cursor's hold limit), with room to spare. Past it (live traffic outrunning
// the device) pacing gives up and the outbox's slow-reader bound decides, as without pacing.
constexpr std::size_t max_paced = 4 * fetch_page + 1024;
constexpr std::size_t max_sync_cursors = 10000; // conversations one sync may name

connect_result refuse(auth_failure f) {
    return connect_result::reject("unauthorized",
                                  fmt::format(R"({{"reason":"{}"}})", reason_name(f)));
}

} // namespace

shard_service::shard_service(server_ref io, store::store& db, const jwt_verifier& verifier,
                             const im_options& options)
    : io_(std::move(io)), link_(io_), shard_(io_.shard_index()), db_(db), verifier_(verifier),
      options_(options) {}

shard_service::device* shard_service::find(std::string_view sid) {
    auto it = devices_.find(std::string(sid));
    return it == devices_.end() ? nullptr : &it->second;
}

shard_service::device* shard_service::parse(event& e, simdjson::dom::object& args) {
    auto* d = find(e.sid);
    if (!d || e.args.empty() || e.args[0].kind != protocol::socketio::json_kind::object ||
        parser_.parse(e.args[0].json).get(args) != simdjson::SUCCESS) {
        if (e.ack)
            e.ack(server::payload().add_json(error_json("bad_request")));
        return nullptr;
    }
    return d;
}

shard_service::device* shard_service::parse(event& e, simdjson::dom::object& args,
                                            std::string& conversation) {
    auto* d = parse(e, args);
    if (!d)
        return nullptr;
    auto field = string_field(args, "conversation");
    if (!field) {
        reply(e.ack, error_json("bad_request"));
        return nullptr;
    }
    conversation = std::string(*field);
    return d;
}

connect_result shard_service::on_connect(connect_request& r) {
    std::string token;
    simdjson::dom::object auth;
    if (parser_.parse(r.auth).get(auth) == simdjson::SUCCESS) {
        if (auto t = string_field(auth, "token"))
            token = std::string(*t);
    }
    if (token.empty() && r.handshake) {
        if (auto q = r.handshake->query_param("token"))
            token = std::string(*q);
    }
    auto verdict = authenticate(token);
    if (auto* failure = std::get_if<auth_failure>(&verdict))
        return refuse(*failure);
    admit(r.sid, transport::socketio, std::move(std::get<verified_token>(verdict)));
    return connect_result::accept();
}

std::variant<verified_token, auth_failure> shard_service::authenticate(std::string_view given) {
    std::string token(given); // verify() reuses the parser that `given` may point into
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    auto verdict = verifier_.verify(token, now.count(), parser_);
    if (auto* identity = std::get_if<verified_token>(&verdict);
        identity && identity->user.find(':') != std::string::npos)
        return auth_failure::no_user; // ':' separates direct ids
    return verdict;
}

void shard_service::admit(const std::string& id, transport via, verified_token identity) {
    link_.enter_room(id, via, room_of(identity.user));
    auto& sids = by_user_[identity.user];
    sids.push_back(id);
    if (sids.size() == 1)
        announce(identity.user, true);
    track_expiry(id, identity);
    auto& d = devices_[id];
    d.via = via;
    if (auto level = link_.outbox(id, via))
        d.pacing = paced_delivery(pacing_marks::of_limit(level->limit), max_paced);
    d.user = std::move(identity.user);
    d.claims = std::move(identity.true_claims);
}

const std::string* shard_service::user_of(std::string_view id) {
    auto* d = find(id);
    return d ? &d->user : nullptr;
}

void shard_service::on_disconnect(std::string_view sid) {
    auto it = devices_.find(std::string(sid));
    if (it == devices_.end())
        return;
    expiries_.cancel(sid);
    auto& sids = by_user_[it->second.user];
    std::erase(sids, it->first);
    if (sids.empty()) {
        by_user_.erase(it->second.user);
        announce(it->second.user, false);
    }
    devices_.erase(it);
}

void shard_service::deliver(const std::string& sid, const store::message& m) {
    if (auto* d = find(sid))
        link_.emit(sid, d->via, "message", message_json(m));
}

void shard_service::on_feed(const store::feed_batch& batch) {
    for (const auto& committed : *batch) {
        const auto& conversation = committed.entry->conversation;
        for (const auto& user : *committed.recipients) {
            auto it = by_user_.find(user);
            if (it == by_user_.end())
                continue;
            for (const auto& sid : it->second) {
                auto& d = devices_[sid];
                if (!d.synced)
                    continue;
                apply(sid, conversation, d.cursors[conversation].on_live(committed.entry));
            }
        }
    }
}

void shard_service::apply(const std::string& sid, const std::string& conversation,
                          cursor_step step) {
    auto* d = find(sid);
    if (!d)
        return;
    for (auto& m : step.deliver)
        d->pacing.push(std::move(m));
    if (step.fetch_after)
        d->reads.emplace_back(conversation, *step.fetch_after);
    pump(sid);
}

void shard_service::pump(const std::string& sid) {
    auto* d = find(sid);
    if (!d || d->draining)
        return;
    auto level = link_.outbox(sid, d->via);
    if (!level)
        return;
    if (d->pacing.overflowing()) {
        for (const auto& m : d->pacing.take_all())
            deliver(sid, *m);
    }
    while (auto m = d->pacing.next(level->bytes)) {
        deliver(sid, *m);
        level = link_.outbox(sid, d->via);
        if (!level)
            return; // the send closed it (it cannot: pacing stays under the bound)
    }
    auto wait = [&](std::size_t mark) {
        d->draining = true;
        link_.when_drained(sid, d->via, mark, [this, sid] {
            if (auto* again = find(sid)) {
                again->draining = false;
                pump(sid);
            }
        });
    };
    if (!d->pacing.empty())
        return wait(d->pacing.wait_mark()); // and the sync ack waits behind these entries
    if (!d->reads.empty() && !d->reading) {
        if (d->pacing.may_read(level->bytes)) {
            // Named, not a structured binding: the lambda below captures it (clang 14 cannot
            // capture a binding).
            std::string conversation = std::move(d->reads.front().first);
            const std::uint64_t after = d->reads.front().second;
            d->reads.pop_front();
            d->reading = true;
            db_.read(shard_, {conversation, d->user, after, 0, fetch_page},
                     [this, sid, conversation](const store::read_result& r) {
                         if (auto* reader = find(sid))
                             reader->reading = false;
                         fetched(sid, conversation, r);
                     });
        } else {
            wait(d->pacing.low_mark());
        }
    }
    if (d->sync_ack)
        finish_sync(sid);
}

void shard_service::fetched(const std::string& sid, const std::string& conversation,
                            const store::read_result& r) {
    auto* d = find(sid);
    if (!d)
        return;
    auto& cursor = d->cursors[conversation];
    if (r.code != store::status::ok) {
        cursor.on_fetch_failed();
        pump(sid); // the next conversation's read, and maybe the sync ack
        return;
    }
    apply(sid, conversation, cursor.on_fetched(r.entries));
}

void shard_service::finish_sync(const std::string& sid) {
    auto* d = find(sid);
    if (!d)
        return;
    std::erase_if(d->catching_up, [&](const std::string& c) { return d->cursors[c].caught_up(); });
    // Not before the store has listed the conversations (a live entry may come first), and
    // after the replayed entries in the outbox: none may still wait in pacing.
    if (!d->catching_up.empty() || !d->sync_ack || d->sync_summary.empty() || !d->pacing.empty())
        return;
    auto ack = std::move(d->sync_ack);
    d->sync_ack = {};
    ack(server::payload().add_json(
        fmt::format(R"({{"ok":true,"conversations":{}}})", d->sync_summary)));
}

void shard_service::sync(event& e) {
    auto* d = find(e.sid);
    if (!d)
        return;
    std::vector<std::pair<std::string, std::uint64_t>> cursors;
    if (!e.args.empty() && e.args[0].kind == protocol::socketio::json_kind::object) {
        simdjson::dom::object given;
        if (parser_.parse(e.args[0].json).get(given) != simdjson::SUCCESS ||
            given.size() > max_sync_cursors) {
            if (e.ack)
                e.ack(server::payload().add_json(error_json("bad_request")));
            return;
        }
        for (auto field : given) {
            std::uint64_t seq = 0;
            if (field.value.get(seq) != simdjson::SUCCESS) {
                if (e.ack)
                    e.ack(server::payload().add_json(error_json("bad_request")));
                return;
            }
            cursors.emplace_back(std::string(field.key), seq);
        }
    }
    for (auto& [conversation, seq] : cursors)
        d->cursors.insert_or_assign(conversation, delivery_cursor(seq));
    d->synced = true;
    d->sync_ack = std::move(e.ack);
    d->sync_summary.clear(); // set when the store has listed the conversations
    db_.conversations(shard_, d->user,
                      [this, sid = e.sid](const std::vector<store::conversation_summary>& list) {
                          auto* d = find(sid);
                          if (!d)
                              return;
                          d->sync_summary = summaries_json(list);
                          std::vector<std::pair<std::string, cursor_step>> steps;
                          for (const auto& c : list) {
                              auto& cursor = d->cursors[c.id];
                              auto step = cursor.expect(c.last_seq);
                              if (!cursor.caught_up())
                                  d->catching_up.insert(c.id);
                              steps.emplace_back(c.id, std::move(step));
                          }
                          // Every conversation to wait for is known before the first step can
                          // finish the sync.
                          for (auto& [conversation, step] : steps)
                              apply(sid, conversation, std::move(step));
                          finish_sync(sid);
                      });
}

void shard_service::announce(const std::string& user, bool online) {
    db_.set_presence(shard_, user, online, [this](const store::presence_change& change) {
        if (!change.changed || change.contacts.empty())
            return;
        std::vector<std::string> rooms;
        for (const auto& c : change.contacts)
            rooms.push_back(room_of(c));
        link_.emit_to_rooms("presence", presence_json(change.state), std::move(rooms));
    });
}

std::vector<std::string> shard_service::rooms_of(const std::vector<store::member>& members) const {
    std::vector<std::string> rooms;
    rooms.reserve(members.size());
    for (const auto& m : members)
        rooms.push_back(room_of(m.user));
    return rooms;
}

} // namespace imedge::im
