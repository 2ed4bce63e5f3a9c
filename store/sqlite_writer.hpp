// The writer thread's side of the SQLite store: schema, and every write as a synchronous step
// inside the transaction the writer has open. Keeps each touched conversation's last seq and
// members in memory (it is the only writer, so the cache is exact; dropped on rollback).
#pragma once

#include "conversation_state.hpp"
#include "sqlite_conn.hpp"
#include "store.hpp"

#include <map>
#include <unordered_map>
#include <utility>

namespace imedge::store {

class writer_db {
public:
    writer_db(const std::string& path, durability d);

    void begin() { begin_.bind().run(); }
    void commit() { commit_.bind().run(); }
    /// After a failed transaction: roll back and forget the cache.
    void rollback();

    /// The recipients are set when an entry was stored (not for a duplicate or a refusal).
    append_result append(const append_request& r, std::int64_t now_ms,
                         std::shared_ptr<const std::vector<std::string>>& recipients);
    // Groups (sqlite_groups.cpp).
    group_result create_group(const std::string& id, const std::string& owner,
                              const std::string& title, const std::vector<std::string>& members,
                              std::size_t cap, group_access access);
    group_result change_group(const group_change& c);
    receipt_result set_receipt(const std::string& user, const std::string& conversation,
                               const std::string& kind, std::uint64_t seq);
    presence_change set_presence(const std::string& user, bool online, std::int64_t now_ms);
    std::vector<presence_state> presence(const std::vector<std::string>& users);

    /// While on, each stored entry notes its recipients with no live device, and their badges.
    void track_offline(bool on) { track_offline_ = on; }
    /// What the transaction just committed noted (rollback() discards it).
    std::vector<offline_entry> take_offline() { return std::exchange(offline_, {}); }

private:
    conversation_state& load(const std::string& id);
    void add_member(const std::string& conversation, conversation_state& s, const std::string& user,
                    role r);
    void note_offline(const message_ptr& m, const std::vector<std::string>& recipients);
    std::uint64_t badge(const std::string& user);
    void remove_member(const std::string& conversation, conversation_state& s,
                       const std::string& user);

    connection db_;
    statement begin_, commit_, rollback_;
    statement get_conversation_, get_members_, insert_conversation_, insert_member_, delete_member_;
    statement find_client_, find_entry_, insert_message_, update_last_;
    statement upsert_receipt_, get_receipt_;
    statement find_invitation_, insert_invitation_, delete_invitation_;
    statement set_last_seen_, get_last_seen_, contacts_;
    statement unread_total_;
    // Shards with at least one device of the user. In memory: after a restart nobody is
    // online until they reconnect. Kept across rollbacks (it is not database state).
    std::unordered_map<std::string, std::uint32_t> online_shards_;
    std::unordered_map<std::string, conversation_state> cache_;
    // The push hand-off: offline recipients of this transaction's entries, and the unread
    // count of offline users who got one, kept exact by every write that moves it (a new
    // entry, a receipt, a join or leave) and dropped when the user comes online.
    bool track_offline_ = false;
    std::vector<offline_entry> offline_;
    std::unordered_map<std::string, std::uint64_t> badges_;
};

} // namespace imedge::store
