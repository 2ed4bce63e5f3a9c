// The reader thread's side of the SQLite store: history pages, members and the conversation
// list, on its own connection (WAL lets it read while the writer commits).
#pragma once

#include "sqlite_conn.hpp"
#include "store.hpp"

namespace imedge::store {

class reader_db {
public:
    reader_db(const std::string& path, durability d);

    read_result read(const read_request& r);
    group_result members(const std::string& user, const std::string& conversation);
    std::vector<conversation_summary> conversations(const std::string& user);
    /// After a failure: leave no statement mid-result.
    void reset_all();

private:
    bool is_member(const std::string& user, const std::string& conversation);

    connection db_;
    statement is_member_, after_, before_, members_, list_;
};

} // namespace imedge::store
