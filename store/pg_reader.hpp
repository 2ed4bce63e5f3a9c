// The reader side of the PostgreSQL store: history pages, members and the conversation list,
// and the rows the feed listener fetches for other nodes' commits; each thread that reads has
// its own connection.
#pragma once

#include "pg_conn.hpp"
#include "store.hpp"

namespace imedge::store {

class pg_reader_db {
public:
    explicit pg_reader_db(const std::string& url) : db_(url) {}

    read_result read(const read_request& r);
    group_result members(const std::string& user, const std::string& conversation);
    std::vector<conversation_summary> conversations(const std::string& user);
    /// The entries first..last of a conversation, and its members now (the feed's recipients).
    std::vector<committed_entry> committed(const std::string& conversation, std::uint64_t first,
                                           std::uint64_t last);
    bool usable() const { return db_.ok(); }
    pg_connection& connection() { return db_; }

private:
    bool is_member(const std::string& user, const std::string& conversation);

    pg_connection db_;
};

} // namespace imedge::store
