// Writes of the PostgreSQL store, run on its writer thread inside an open transaction.
#include "pg_writer.hpp"

#include "pg_feed.hpp"

#include <algorithm>

namespace imedge::store {
namespace {

// "user" is reserved in PostgreSQL, hence user_id. The same tables as SQLite's (sqlite_writer.cpp).
constexpr const char* schema = R"(
SELECT pg_advisory_xact_lock(7242526973);
CREATE TABLE IF NOT EXISTS conversations(id text PRIMARY KEY, kind text NOT NULL,
  title text NOT NULL, cap bigint NOT NULL, last_seq bigint NOT NULL,
  open boolean NOT NULL DEFAULT false);
CREATE TABLE IF NOT EXISTS members(conversation text NOT NULL, user_id text NOT NULL,
  role integer NOT NULL, PRIMARY KEY(conversation, user_id));
CREATE INDEX IF NOT EXISTS members_by_user ON members(user_id, conversation);
CREATE TABLE IF NOT EXISTS messages(conversation text NOT NULL, seq bigint NOT NULL,
  ts bigint NOT NULL, sender text NOT NULL, kind text NOT NULL, body text NOT NULL,
  client_id text NOT NULL, ref bigint NOT NULL, PRIMARY KEY(conversation, seq));
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages(conversation, sender, client_id)
  WHERE client_id <> '';
CREATE TABLE IF NOT EXISTS presence(user_id text PRIMARY KEY, last_seen bigint NOT NULL);
CREATE TABLE IF NOT EXISTS invitations(conversation text NOT NULL, user_id text NOT NULL,
  by_user text NOT NULL, PRIMARY KEY(conversation, user_id));
CREATE TABLE IF NOT EXISTS receipts(user_id text NOT NULL, conversation text NOT NULL,
  delivered bigint NOT NULL, read bigint NOT NULL, PRIMARY KEY(user_id, conversation));
)";

// The sum of the conversation list's unread counts (pg_reader.cpp), in one row. Counted for
// every offline recipient: other nodes move it too, so no count is kept between transactions.
constexpr const char* unread_total =
    "SELECT coalesce(sum((SELECT count(*) FROM messages m WHERE m.conversation = "
    "mb.conversation AND m.seq > coalesce(r.read, 0) AND m.sender <> mb.user_id)), 0) FROM "
    "members mb LEFT JOIN receipts r ON r.user_id = mb.user_id AND r.conversation = "
    "mb.conversation WHERE mb.user_id = $1";

} // namespace

pg_writer_db::pg_writer_db(const std::string& url) : url_(url) {
    reconnect();
}

void pg_writer_db::reconnect() {
    conn_.reset();
    auto c = std::make_unique<pg_connection>(url_);
    c->script("BEGIN");
    c->script(schema);
    c->script("COMMIT");
    conn_ = std::move(c);
}

void pg_writer_db::begin() {
    cache_.clear();
    committed_.clear();
    presence_undo_.clear();
    db().script("BEGIN");
}

void pg_writer_db::commit(const std::string& node) {
    for (const auto& [id, state] : cache_)
        if (state.dirty)
            db().exec("UPDATE conversations SET last_seq = $1 WHERE id = $2", state.last_seq, id);
    for (const auto& payload : feed_payloads(node, committed_))
        db().exec("SELECT pg_notify($1, $2)", feed_channel, payload);
    db().script("COMMIT");
    cache_.clear();
}

void pg_writer_db::rollback(bool retry) {
    cache_.clear();
    committed_.clear();
    offline_.clear();
    if (retry) {
        for (auto it = presence_undo_.rbegin(); it != presence_undo_.rend(); ++it) {
            if (it->second == 0)
                online_shards_.erase(it->first);
            else
                online_shards_[it->first] = it->second;
        }
    }
    presence_undo_.clear();
    if (!usable())
        return;
    try {
        db().script("ROLLBACK");
    } catch (const pg_failure&) {
        // No transaction was open (BEGIN itself failed): nothing to undo.
    }
}

conversation_state& pg_writer_db::load(const std::string& id) {
    auto [it, fresh] = cache_.try_emplace(id);
    auto& s = it->second;
    if (!fresh)
        return s;
    auto c = db().exec(
        "SELECT kind, cap, last_seq, open FROM conversations WHERE id = $1 FOR UPDATE", id);
    if (c.rows() == 1) {
        s.exists = true;
        s.group = c.text(0, 0) == "group";
        s.cap = static_cast<std::size_t>(c.integer(0, 1));
        s.last_seq = static_cast<std::uint64_t>(c.integer(0, 2));
        s.access = c.boolean(0, 3) ? group_access::open : group_access::invite_only;
        auto m = db().exec("SELECT user_id, role FROM members WHERE conversation = $1", id);
        for (int i = 0; i < m.rows(); ++i)
            s.roles[m.text(i, 0)] = static_cast<role>(m.integer(i, 1));
    }
    s.refresh_users();
    return s;
}

void pg_writer_db::add_member(const std::string& conversation, conversation_state& s,
                              const std::string& user, role r) {
    db().exec("INSERT INTO members VALUES ($1, $2, $3) ON CONFLICT (conversation, user_id) DO "
              "UPDATE SET role = excluded.role",
              conversation, user, static_cast<int>(r));
    s.roles[user] = r;
}

void pg_writer_db::remove_member(const std::string& conversation, conversation_state& s,
                                 const std::string& user) {
    db().exec("DELETE FROM members WHERE conversation = $1 AND user_id = $2", conversation, user);
    s.roles.erase(user);
}

void pg_writer_db::note_committed(const message& m) {
    if (!committed_.empty() && committed_.back().conversation == m.conversation &&
        committed_.back().last + 1 == m.seq) {
        committed_.back().last = m.seq;
        return;
    }
    committed_.push_back({m.conversation, m.seq, m.seq});
}

append_result pg_writer_db::earlier(const append_request& r) {
    auto found = db().exec("SELECT seq, ts, kind, body, ref FROM messages WHERE conversation = "
                           "$1 AND sender = $2 AND client_id = $3",
                           r.conversation, r.sender, r.client_id);
    if (found.rows() != 1)
        return {status::ok, nullptr, false}; // not stored before
    auto m = std::make_shared<message>();
    m->conversation = r.conversation;
    m->seq = static_cast<std::uint64_t>(found.integer(0, 0));
    m->ts_ms = found.integer(0, 1);
    m->sender = r.sender;
    m->kind = found.text(0, 2);
    m->body_json = found.text(0, 3);
    m->client_id = r.client_id;
    m->ref = static_cast<std::uint64_t>(found.integer(0, 4));
    return {status::ok, std::move(m), true};
}

append_result pg_writer_db::append(const append_request& r, std::int64_t now_ms,
                                   std::shared_ptr<const std::vector<std::string>>& recipients) {
    auto* s = &load(r.conversation);
    if (!s->exists) {
        std::string a, b;
        // A direct conversation opens on its first entry, by one of the two or by the system.
        if (!direct_members(r.conversation, a, b) ||
            (r.from == sender_kind::member && r.sender != a && r.sender != b))
            return {status::no_such_conversation, nullptr, false};
        // Another node may be opening it at the same moment: whoever inserts second waits for
        // the first to commit and inserts nothing; both then lock the one row.
        db().exec("INSERT INTO conversations(id, kind, title, cap, last_seq) VALUES ($1, 'direct', "
                  "'', 2, 0) ON CONFLICT (id) DO NOTHING",
                  r.conversation);
        for (const auto& user : {a, b})
            db().exec("INSERT INTO members VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                      r.conversation, user, static_cast<int>(role::member));
        cache_.erase(r.conversation);
        s = &load(r.conversation);
        if (!s->exists)
            return {status::no_such_conversation, nullptr, false};
    }
    if (r.from == sender_kind::member && !s->roles.contains(r.sender))
        return {status::not_member, nullptr, false};
    // Under the conversation's lock: no other transaction can be storing this client id now.
    if (!r.client_id.empty())
        if (auto found = earlier(r); found.stored)
            return found;
    if (r.kind != "msg") {
        // Only the author changes an entry, and only an ordinary message.
        auto e = db().exec("SELECT sender, kind FROM messages WHERE conversation = $1 AND seq = $2",
                           r.conversation, r.ref);
        if (e.rows() != 1 || e.text(0, 0) != r.sender || e.text(0, 1) != "msg")
            return {status::forbidden, nullptr, false};
    }
    auto m = std::make_shared<message>();
    m->conversation = r.conversation;
    m->seq = s->last_seq + 1; // under the row lock: no other transaction holds this number
    m->ts_ms = now_ms;
    m->sender = r.sender;
    m->kind = r.kind;
    m->body_json = r.body_json;
    m->client_id = r.client_id;
    m->ref = r.ref;
    db().exec("INSERT INTO messages VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", m->conversation,
              m->seq, m->ts_ms, m->sender, m->kind, m->body_json, m->client_id, m->ref);
    s->last_seq = m->seq; // written to the row once per transaction, at commit
    s->dirty = true;
    recipients = s->users;
    note_committed(*m);
    if (track_offline_)
        note_offline(m, *s->users);
    return {status::ok, std::move(m), false};
}

void pg_writer_db::note_offline(const message_ptr& m, const std::vector<std::string>& recipients) {
    offline_entry e{m, {}};
    for (const auto& user : recipients) {
        if (user == m->sender || online_shards_.contains(user))
            continue;
        auto n = db().exec(unread_total, user);
        e.recipients.push_back({user, static_cast<std::uint64_t>(n.integer(0, 0))});
    }
    if (!e.recipients.empty())
        offline_.push_back(std::move(e));
}

receipt_result pg_writer_db::set_receipt(const std::string& user, const std::string& conversation,
                                         const std::string& kind, std::uint64_t seq) {
    auto& s = load(conversation);
    if (!s.exists)
        return {status::no_such_conversation, 0, {}};
    if (!s.roles.contains(user))
        return {status::not_member, 0, {}};
    seq = std::min(seq, s.last_seq);
    const bool read = kind == "read";
    auto stored = db().exec( // read implies delivered
        "INSERT INTO receipts VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, conversation) DO "
        "UPDATE SET delivered = greatest(receipts.delivered, excluded.delivered), "
        "read = greatest(receipts.read, excluded.read) RETURNING delivered, read",
        user, conversation, seq, read ? seq : 0);
    return {status::ok, static_cast<std::uint64_t>(stored.integer(0, read ? 1 : 0)),
            s.member_list()};
}

presence_change pg_writer_db::set_presence(const std::string& user, bool online,
                                           std::int64_t now_ms) {
    presence_change out;
    auto& shards = online_shards_[user];
    presence_undo_.emplace_back(user, shards);
    if (online)
        out.changed = shards++ == 0;
    else if (shards > 0)
        out.changed = --shards == 0;
    if (shards == 0)
        online_shards_.erase(user);
    out.state = {user, online, 0};
    if (!online && out.changed) {
        db().exec("INSERT INTO presence VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET "
                  "last_seen = excluded.last_seen",
                  user, now_ms);
        out.state.last_seen_ms = now_ms;
    } else if (auto seen = db().exec("SELECT last_seen FROM presence WHERE user_id = $1", user);
               seen.rows() == 1) {
        out.state.last_seen_ms = seen.integer(0, 0);
    }
    if (out.changed) {
        auto c =
            db().exec("SELECT DISTINCT b.user_id FROM members a JOIN members b ON "
                      "a.conversation = b.conversation WHERE a.user_id = $1 AND b.user_id <> $1",
                      user);
        for (int i = 0; i < c.rows(); ++i)
            out.contacts.push_back(c.text(i, 0));
    }
    return out;
}

std::vector<presence_state> pg_writer_db::presence(const std::vector<std::string>& users) {
    std::vector<presence_state> out;
    for (const auto& user : users) {
        presence_state p{user, online_shards_.contains(user), 0};
        if (auto seen = db().exec("SELECT last_seen FROM presence WHERE user_id = $1", user);
            seen.rows() == 1)
            p.last_seen_ms = seen.integer(0, 0);
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace imedge::store
