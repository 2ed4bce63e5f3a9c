// Writes of the SQLite store, run on its writer thread inside an open transaction.
#include "sqlite_writer.hpp"

#include <algorithm>

namespace imedge::store {
namespace {

constexpr const char* schema = R"(
CREATE TABLE IF NOT EXISTS conversations(id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL,
  cap INTEGER NOT NULL, last_seq INTEGER NOT NULL, open INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members(conversation TEXT NOT NULL, user TEXT NOT NULL, role INTEGER NOT NULL,
  PRIMARY KEY(conversation, user)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_by_user ON members(user, conversation);
CREATE TABLE IF NOT EXISTS messages(conversation TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,
  sender TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, client_id TEXT NOT NULL, ref INTEGER NOT NULL,
  PRIMARY KEY(conversation, seq)) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client ON messages(conversation, sender, client_id)
  WHERE client_id <> '';
CREATE TABLE IF NOT EXISTS presence(user TEXT PRIMARY KEY, last_seen INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS invitations(conversation TEXT NOT NULL, user TEXT NOT NULL, by TEXT NOT NULL,
  PRIMARY KEY(conversation, user)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS receipts(user TEXT NOT NULL, conversation TEXT NOT NULL,
  delivered INTEGER NOT NULL, read INTEGER NOT NULL, PRIMARY KEY(user, conversation)) WITHOUT ROWID;
)";

constexpr std::size_t max_badges = 100000; // cached badges; past it the cache starts over
// Databases made before groups had an access rule: their groups become invite-only.
void add_open_column(connection& db) {
    auto has =
        db.prepare("SELECT count(*) FROM pragma_table_info('conversations') WHERE name = 'open'");
    has.bind();
    bool present = has.step() && has.integer(0) > 0;
    has.reset();
    if (!present)
        db.exec("ALTER TABLE conversations ADD COLUMN open INTEGER NOT NULL DEFAULT 0");
}

} // namespace

writer_db::writer_db(const std::string& path, durability d) : db_(path, d) {
    db_.exec(schema);
    add_open_column(db_);
    begin_ = db_.prepare("BEGIN IMMEDIATE");
    commit_ = db_.prepare("COMMIT");
    rollback_ = db_.prepare("ROLLBACK");
    get_conversation_ =
        db_.prepare("SELECT kind, cap, last_seq, open FROM conversations WHERE id = ?");
    get_members_ = db_.prepare("SELECT user, role FROM members WHERE conversation = ?");
    insert_conversation_ = db_.prepare("INSERT INTO conversations(id, kind, title, cap, last_seq, "
                                       "open) VALUES (?, ?, ?, ?, 0, ?)");
    insert_member_ = db_.prepare("INSERT OR REPLACE INTO members VALUES (?, ?, ?)");
    delete_member_ = db_.prepare("DELETE FROM members WHERE conversation = ? AND user = ?");
    find_client_ = db_.prepare("SELECT seq, ts, kind, body, ref FROM messages WHERE conversation = "
                               "? AND sender = ? AND client_id = ?");
    find_entry_ =
        db_.prepare("SELECT sender, kind FROM messages WHERE conversation = ? AND seq = ?");
    insert_message_ = db_.prepare("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    update_last_ = db_.prepare("UPDATE conversations SET last_seq = ? WHERE id = ?");
    upsert_receipt_ = db_.prepare(
        "INSERT INTO receipts VALUES (?1, ?2, ?3, ?4) ON CONFLICT(user, conversation) DO UPDATE "
        "SET "
        "delivered = max(delivered, excluded.delivered), read = max(read, excluded.read)");
    set_last_seen_ = db_.prepare("INSERT OR REPLACE INTO presence VALUES (?, ?)");
    get_last_seen_ = db_.prepare("SELECT last_seen FROM presence WHERE user = ?");
    contacts_ = db_.prepare(
        "SELECT DISTINCT b.user FROM members a JOIN members b ON a.conversation = b.conversation "
        "WHERE a.user = ?1 AND b.user <> ?1");
    get_receipt_ =
        db_.prepare("SELECT delivered, read FROM receipts WHERE user = ? AND conversation = ?");
    // The sum of the conversation list's unread counts (sqlite_reader.cpp), in one row.
    unread_total_ = db_.prepare(
        "SELECT coalesce(sum((SELECT count(*) FROM messages m WHERE m.conversation = "
        "mb.conversation AND m.seq > coalesce(r.read, 0) AND m.sender <> mb.user)), 0) FROM "
        "members mb LEFT JOIN receipts r ON r.user = mb.user AND r.conversation = "
        "mb.conversation WHERE mb.user = ?");
    find_invitation_ = db_.prepare("SELECT 1 FROM invitations WHERE conversation = ? AND user = ?");
    insert_invitation_ = db_.prepare("INSERT OR REPLACE INTO invitations VALUES (?, ?, ?)");
    delete_invitation_ = db_.prepare("DELETE FROM invitations WHERE conversation = ? AND user = ?");
}

void writer_db::rollback() {
    cache_.clear();
    offline_.clear();
    badges_.clear();
    try {
        rollback_.bind().run();
    } catch (const sqlite_failure&) {
        // No transaction was open (BEGIN itself failed): nothing to undo.
    }
}

conversation_state& writer_db::load(const std::string& id) {
    auto [it, fresh] = cache_.try_emplace(id);
    auto& s = it->second;
    if (!fresh)
        return s;
    if (get_conversation_.bind(id).step()) {
        s.exists = true;
        s.group = get_conversation_.text(0) == "group";
        s.cap = static_cast<std::size_t>(get_conversation_.integer(1));
        s.last_seq = static_cast<std::uint64_t>(get_conversation_.integer(2));
        s.access =
            get_conversation_.integer(3) != 0 ? group_access::open : group_access::invite_only;
        get_members_.bind(id);
        while (get_members_.step())
            s.roles[get_members_.text(0)] = static_cast<role>(get_members_.integer(1));
    }
    s.refresh_users();
    return s;
}

void writer_db::add_member(const std::string& conversation, conversation_state& s,
                           const std::string& user, role r) {
    insert_member_.bind(conversation, user, static_cast<int>(r)).run();
    s.roles[user] = r;
    badges_.erase(user); // the conversation's history is unread for the newcomer
}

void writer_db::remove_member(const std::string& conversation, conversation_state& s,
                              const std::string& user) {
    delete_member_.bind(conversation, user).run();
    s.roles.erase(user);
    badges_.erase(user); // its unread entries no longer count
}

append_result writer_db::append(const append_request& r, std::int64_t now_ms,
                                std::shared_ptr<const std::vector<std::string>>& recipients) {
    auto& s = load(r.conversation);
    if (!s.exists) {
        std::string a, b;
        // A direct conversation opens on its first entry, by one of the two or by the system.
        if (!direct_members(r.conversation, a, b) ||
            (r.from == sender_kind::member && r.sender != a && r.sender != b))
            return {status::no_such_conversation, nullptr, false};
        insert_conversation_.bind(r.conversation, "direct", "", 2, 0).run();
        s.exists = true;
        add_member(r.conversation, s, a, role::member);
        add_member(r.conversation, s, b, role::member);
        s.refresh_users();
    }
    if (r.from == sender_kind::member && !s.roles.contains(r.sender))
        return {status::not_member, nullptr, false};
    if (!r.client_id.empty() && find_client_.bind(r.conversation, r.sender, r.client_id).step()) {
        auto m = std::make_shared<message>();
        m->conversation = r.conversation;
        m->seq = static_cast<std::uint64_t>(find_client_.integer(0));
        m->ts_ms = find_client_.integer(1);
        m->sender = r.sender;
        m->kind = find_client_.text(2);
        m->body_json = find_client_.text(3);
        m->client_id = r.client_id;
        m->ref = static_cast<std::uint64_t>(find_client_.integer(4));
        return {status::ok, std::move(m), true};
    }
    if (r.kind != "msg") {
        // Only the author changes an entry, and only an ordinary message.
        if (!find_entry_.bind(r.conversation, r.ref).step() || find_entry_.text(0) != r.sender ||
            find_entry_.text(1) != "msg")
            return {status::forbidden, nullptr, false};
    }
    auto m = std::make_shared<message>();
    m->conversation = r.conversation;
    m->seq = s.last_seq + 1;
    m->ts_ms = now_ms;
    m->sender = r.sender;
    m->kind = r.kind;
    m->body_json = r.body_json;
    m->client_id = r.client_id;
    m->ref = r.ref;
    insert_message_
        .bind(m->conversation, m->seq, m->ts_ms, m->sender, m->kind, m->body_json, m->client_id,
              m->ref)
        .run();
    update_last_.bind(m->seq, m->conversation).run();
    s.last_seq = m->seq;
    recipients = s.users;
    if (track_offline_)
        note_offline(m, *s.users);
    return {status::ok, std::move(m), false};
}

void writer_db::note_offline(const message_ptr& m, const std::vector<std::string>& recipients) {
    offline_entry e{m, {}};
    for (const auto& user : recipients) {
        if (user == m->sender || online_shards_.contains(user))
            continue;
        e.recipients.push_back({user, badge(user)});
    }
    if (!e.recipients.empty())
        offline_.push_back(std::move(e));
}

// Called right after an entry from someone else was stored for `user`: a cached count moves
// by one; a fresh one is counted with the entry already in it.
std::uint64_t writer_db::badge(const std::string& user) {
    if (auto it = badges_.find(user); it != badges_.end())
        return ++it->second;
    if (badges_.size() >= max_badges)
        badges_.clear();
    unread_total_.bind(user).step();
    auto n = static_cast<std::uint64_t>(unread_total_.integer(0));
    unread_total_.reset();
    badges_.emplace(user, n);
    return n;
}

receipt_result writer_db::set_receipt(const std::string& user, const std::string& conversation,
                                      const std::string& kind, std::uint64_t seq) {
    auto& s = load(conversation);
    if (!s.exists)
        return {status::no_such_conversation, 0, {}};
    if (!s.roles.contains(user))
        return {status::not_member, 0, {}};
    seq = std::min(seq, s.last_seq);
    const bool read = kind == "read";
    upsert_receipt_.bind(user, conversation, seq, read ? seq : 0).run(); // read implies delivered
    if (read)
        badges_.erase(user);
    get_receipt_.bind(user, conversation).step();
    auto stored = static_cast<std::uint64_t>(get_receipt_.integer(read ? 1 : 0));
    return {status::ok, stored, s.member_list()};
}

presence_change writer_db::set_presence(const std::string& user, bool online, std::int64_t now_ms) {
    presence_change out;
    auto& shards = online_shards_[user];
    if (online) {
        out.changed = shards++ == 0;
        badges_.erase(user); // only offline users' badges are kept up to date
    } else if (shards > 0) {
        out.changed = --shards == 0;
    }
    if (shards == 0)
        online_shards_.erase(user);
    out.state = {user, online, 0};
    if (!online && out.changed) {
        set_last_seen_.bind(user, now_ms).run();
        out.state.last_seen_ms = now_ms;
    } else if (get_last_seen_.bind(user).step()) {
        out.state.last_seen_ms = get_last_seen_.integer(0);
    }
    get_last_seen_.reset();
    if (out.changed) {
        contacts_.bind(user);
        while (contacts_.step())
            out.contacts.push_back(contacts_.text(0));
    }
    return out;
}

std::vector<presence_state> writer_db::presence(const std::vector<std::string>& users) {
    std::vector<presence_state> out;
    for (const auto& user : users) {
        presence_state p{user, online_shards_.contains(user), 0};
        if (get_last_seen_.bind(user).step())
            p.last_seen_ms = get_last_seen_.integer(0);
        get_last_seen_.reset();
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace imedge::store
