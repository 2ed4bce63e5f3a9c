// The writer thread's side of the PostgreSQL store: the schema, and every write as a step inside
// the transaction the writer has open. Unlike SQLite's writer it is not the only one: other
// nodes write the same database, so nothing is cached across transactions. A conversation's row
// is locked (SELECT ... FOR UPDATE) the first time a transaction touches it; its seq is then
// allocated under that lock, which is what keeps sequences gap-free across nodes.
#pragma once

#include "conversation_state.hpp"
#include "pg_conn.hpp"
#include "store.hpp"

#include <map>
#include <unordered_map>
#include <utility>

namespace imedge::store {

/// One committed range of a conversation, announced to the other nodes (pg_feed.hpp).
struct committed_range {
    std::string conversation;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

class pg_writer_db {
public:
    /// Connects and creates the schema if it is absent (under an advisory lock, so nodes that
    /// start together do not race on CREATE).
    explicit pg_writer_db(const std::string& url);
    /// Opens a new connection (after usable() turned false); throws pg_failure when it cannot.
    /// What is kept in memory (the presence counts) stays.
    void reconnect();
    bool usable() const { return conn_ && conn_->ok(); }

    void begin();
    /// Announces this transaction's entries (NOTIFY, delivered by the server at COMMIT) as
    /// coming from `node`, then commits.
    void commit(const std::string& node);
    /// After a failed transaction: roll back (if the connection still works) and forget the
    /// transaction's state. `retry`: the same jobs run again next, so the presence counts they
    /// moved go back first.
    void rollback(bool retry);

    /// Locks the conversation's row for this transaction (a no-op for an unknown one). Taken in
    /// id order before a batch runs, so two nodes' batches cannot deadlock on each other.
    void lock(const std::string& conversation) { load(conversation); }

    /// The recipients are set when an entry was stored (not for a duplicate or a refusal).
    append_result append(const append_request& r, std::int64_t now_ms,
                         std::shared_ptr<const std::vector<std::string>>& recipients);
    // Groups (pg_groups.cpp).
    group_result create_group(const std::string& id, const std::string& owner,
                              const std::string& title, const std::vector<std::string>& members,
                              std::size_t cap, group_access access);
    group_result change_group(const group_change& c);
    receipt_result set_receipt(const std::string& user, const std::string& conversation,
                               const std::string& kind, std::uint64_t seq);
    presence_change set_presence(const std::string& user, bool online, std::int64_t now_ms);
    std::vector<presence_state> presence(const std::vector<std::string>& users);

    void track_offline(bool on) { track_offline_ = on; }
    std::vector<offline_entry> take_offline() { return std::exchange(offline_, {}); }

private:
    conversation_state& load(const std::string& id);
    void add_member(const std::string& conversation, conversation_state& s, const std::string& user,
                    role r);
    void remove_member(const std::string& conversation, conversation_state& s,
                       const std::string& user);
    append_result earlier(const append_request& r);
    void note_offline(const message_ptr& m, const std::vector<std::string>& recipients);
    void note_committed(const message& m);

    pg_connection& db() { return *conn_; }

    std::string url_;
    std::unique_ptr<pg_connection> conn_;
    // This transaction's view, valid while its row locks are held; cleared at begin/rollback.
    std::unordered_map<std::string, conversation_state> cache_;
    std::vector<committed_range> committed_;
    // Shards of this node with a device of the user. In memory and per node (see
    // docs/cluster.md): after a restart nobody is online here until they reconnect.
    std::unordered_map<std::string, std::uint32_t> online_shards_;
    std::vector<std::pair<std::string, std::uint32_t>> presence_undo_; // this transaction's moves
    bool track_offline_ = false;
    std::vector<offline_entry> offline_;
};

} // namespace imedge::store
