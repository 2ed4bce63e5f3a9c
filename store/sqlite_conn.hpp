// A thin RAII layer over one SQLite connection and its prepared statements. Used only on the
// store's own threads (one connection per thread).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace imedge::store {

/// Thrown for an SQLite failure; the store's threads catch it at the transaction boundary.
struct sqlite_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class statement {
public:
    statement() = default;
    statement(sqlite3* db, std::string_view sql);
    statement(statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
    statement& operator=(statement&& o) noexcept;
    ~statement() { sqlite3_finalize(stmt_); }

    /// Binds parameters 1..n in order, after a reset.
    template <class... T> statement& bind(const T&... values) {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        int i = 0;
        (bind_one(++i, values), ...);
        return *this;
    }
    /// Advances; true while there is a row.
    bool step();
    /// Runs to completion (for writes).
    void run() {
        while (step()) {
        }
    }
    /// Ends the statement's use: a statement left mid-result would keep the connection's read
    /// snapshot open, and later reads would not see newer commits.
    void reset() { sqlite3_reset(stmt_); }
    std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }
    std::string text(int column) const;

private:
    void bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
    void bind_one(int i, std::uint64_t v) { bind_one(i, static_cast<std::int64_t>(v)); }
    void bind_one(int i, int v) { bind_one(i, static_cast<std::int64_t>(v)); }
    void bind_one(int i, std::string_view v) {
        check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    }
    void bind_one(int i, const std::string& v) { bind_one(i, std::string_view(v)); }
    void bind_one(int i, const char* v) { bind_one(i, std::string_view(v)); }
    void check(int rc) const;

    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

/// How far a COMMIT is durable before the store acknowledges it (see docs/im-protocol.md).
enum class durability : std::uint8_t {
    fsync, // synchronous=FULL: an acked write survives power loss
    os,    // synchronous=NORMAL in WAL: survives kill -9 of the server, not power loss
};

class connection {
public:
    /// Opens (creating) the database file in WAL mode with the given durability.
    connection(const std::string& path, durability d);
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() { sqlite3_close_v2(db_); }

    void exec(const char* sql);
    statement prepare(std::string_view sql) { return statement(db_, sql); }
    sqlite3* handle() const { return db_; }

private:
    sqlite3* db_ = nullptr;
};

} // namespace imedge::store
