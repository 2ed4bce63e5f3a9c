// SQLite connection and statement wrappers.
#include "sqlite_conn.hpp"

#include <fmt/format.h>

namespace imedge::store {

statement::statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK)
        throw sqlite_failure(fmt::format("prepare: {}: {}", sqlite3_errmsg(db), sql));
}

statement& statement::operator=(statement&& o) noexcept {
    if (this != &o) {
        sqlite3_finalize(stmt_);
        db_ = o.db_;
        stmt_ = o.stmt_;
        o.stmt_ = nullptr;
    }
    return *this;
}

bool statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    throw sqlite_failure(fmt::format("step: {}", sqlite3_errmsg(db_)));
}

std::string statement::text(int column) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

void statement::check(int rc) const {
    if (rc != SQLITE_OK)
        throw sqlite_failure(fmt::format("bind: {}", sqlite3_errmsg(db_)));
}

connection::connection(const std::string& path, durability d) {
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
        throw sqlite_failure(
            fmt::format("open {}: {}", path, db_ ? sqlite3_errmsg(db_) : "out of memory"));
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode=WAL");
    exec(d == durability::fsync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=OFF");
}

void connection::exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string text = error ? error : "unknown";
        sqlite3_free(error);
        throw sqlite_failure(fmt::format("{}: {}", text, sql));
    }
}

} // namespace imedge::store
