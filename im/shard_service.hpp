// The IM service on one shard: the devices connected here (Socket.IO sockets and /ws peers,
// reached through device_link), their delivery cursors, and the handlers of every IM event. One
// instance per shard, created by that shard's start handler and used only on its thread; the store
// and the verifier are shared read-only (the store's calls are thread-safe).
#pragma once

#include "delivery_cursor.hpp"
#include "device_link.hpp"
#include "im_options.hpp"
#include "jwt_verifier.hpp"
#include "paced_delivery.hpp"
#include "token_deadlines.hpp"

#include "server/api/handlers.hpp"
#include "store/store.hpp"

#include <boost/asio/steady_timer.hpp>

#include <simdjson.h>

#include <deque>
#include <memory>
#include <set>
#include <unordered_map>

namespace imedge::im {

using server::connect_request;
using server::connect_result;
using server::event;
using server::server_ref;

class shard_service {
public:
    shard_service(server_ref io, store::store& db, const jwt_verifier& verifier,
                  const im_options& options);
    shard_service(const shard_service&) = delete;
    shard_service& operator=(const shard_service&) = delete;

    /// Starts the expiry watch on this shard (its coroutine owns the one timer). Call once,
    /// on the shard thread, before the first connect.
    void start();

    /// A Socket.IO connect: the token from the auth payload, else the `token` query parameter.
    connect_result on_connect(connect_request& r);
    /// Checks a token as a connect does (the verdict names the refusal).
    std::variant<verified_token, auth_failure> authenticate(std::string_view token);
    /// Makes `id` (connected over `via`, whose token `identity` passed authenticate()) one of
    /// its user's devices: the user room, presence, the expiry deadline, pacing.
    void admit(const std::string& id, transport via, verified_token identity);
    /// The device left (either transport); unknown ids are ignored.
    void on_disconnect(std::string_view sid);
    /// The user of device `id` on this shard, or nullptr.
    const std::string* user_of(std::string_view id);
    /// A committed batch from the store: every entry goes to the synced devices of its
    /// recipients on this shard, through their cursors.
    void on_feed(const store::feed_batch& batch);
    /// Tells every device of `user` on this shard why (`auth.revoked` {"reason"}) and
    /// disconnects it; returns how many there were. The revocation hook (im_app.hpp) calls it
    /// on every shard.
    std::size_t disconnect_user(const std::string& user, std::string_view reason);

    // Events (docs/im-protocol.md). Each answers through its ack.
    void refresh(event& e);
    void sync(event& e);
    void send(event& e);
    void edit(event& e, std::string kind);
    void history(event& e);
    void conversations(event& e);
    void group_create(event& e);
    void group_members(event& e);
    void group_manage(event& e, store::group_op op);
    void receipt(event& e, std::string kind);
    void typing(event& e);
    void presence(event& e);

private:
    struct device {
        std::string user;
        transport via = transport::socketio;
        std::vector<std::string> claims; // the token's true claims (permissions)
        bool synced = false;             // live entries flow only after the first `sync`
        std::unordered_map<std::string, delivery_cursor> cursors;
        std::set<std::string> catching_up; // conversations the pending sync ack waits for
        server::ack_sender sync_ack;
        std::string sync_summary; // the conversation list the sync ack carries; empty until
                                  // the store has listed it
        // Flow control (pump()): what the cursors released, sent as the outbox drains; the
        // conversations whose cursor wants the next store page, read one at a time.
        paced_delivery pacing{pacing_marks{0, 0}, 0}; // set at connect from the outbox bound
        std::deque<std::pair<std::string, std::uint64_t>> reads; // (conversation, after)
        bool reading = false;                                    // a page read is outstanding
        bool draining = false;                                   // a when_drained watcher is armed
    };

    device* find(std::string_view sid);
    /// The device of the event's socket and its first argument as an object; acks
    /// bad_request and returns nullptr when either is missing.
    device* parse(event& e, simdjson::dom::object& args);
    /// As parse(), for events about one conversation: also requires its "conversation" field
    /// (acks bad_request and returns nullptr without it).
    device* parse(event& e, simdjson::dom::object& args, std::string& conversation);
    void apply(const std::string& sid, const std::string& conversation, cursor_step step);
    void fetched(const std::string& sid, const std::string& conversation,
                 const store::read_result& r);
    void finish_sync(const std::string& sid);
    /// Sends what the device's pacing allows, then reads the next page when the outbox is low;
    /// else arms one drain watcher that calls it again.
    void pump(const std::string& sid);
    void deliver(const std::string& sid, const store::message& m);
    std::string room_of(std::string_view user) const {
        return options_.user_room_prefix + std::string(user);
    }
    std::vector<std::string> rooms_of(const std::vector<store::member>& members) const;
    void append(event& e, store::append_request r);
    /// The first device of `user` on this shard arrived (online) or the last one left.
    void announce(const std::string& user, bool online);

    // Token lifecycle (token_lifecycle.cpp).
    /// Arms (or, with no `exp`, clears) the device's expiry deadline.
    void track_expiry(const std::string& sid, const verified_token& t);
    boost::asio::awaitable<void> watch_expiry();
    void expire_due();
    /// Sends `event` {"reason": reason} to the device, then ends its connection (server side;
    /// a /ws peer gets close frame `code` with the reason).
    void end_connection(const std::string& sid, std::string_view event, std::uint16_t code,
                        std::string_view reason);
    // Groups (group_events.cpp).
    void announce_group(const std::string& conversation, std::string_view change,
                        const std::string& user, const std::string& by,
                        const std::vector<store::member>& members, const std::string& also_to = {});

    server_ref io_;
    device_link link_;
    std::size_t shard_;
    store::store& db_;
    const jwt_verifier& verifier_;
    const im_options& options_;
    simdjson::dom::parser parser_;
    std::unordered_map<std::string, device> devices_;                   // by sid
    std::unordered_map<std::string, std::vector<std::string>> by_user_; // user -> sids here
    token_deadlines expiries_;                              // by sid: when its token runs out
    std::weak_ptr<boost::asio::steady_timer> expiry_timer_; // owned by watch_expiry's frame
};

} // namespace imedge::im
