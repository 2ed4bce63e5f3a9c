// The store the store tests run against: SQLite in a temporary directory, or, when
// IMEDGE_TEST_PG_URL names a PostgreSQL database (tests/e2e/run-postgres.sh starts one), the
// PostgreSQL store on it, so that the same cases prove both implementations.
#pragma once

#include "store/pg_conn.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace imedge::store::test {

/// The database URL, or empty when the tests use SQLite.
inline std::string pg_url() {
    const char* url = std::getenv("IMEDGE_TEST_PG_URL");
    return url ? url : "";
}

/// Drops the store's tables, so that a test starts from an empty database (as it does from
/// an empty directory with SQLite). Nothing to do for SQLite.
inline void start_empty() {
    if (pg_url().empty())
        return;
    pg_connection db(pg_url());
    db.script("DROP TABLE IF EXISTS conversations, members, messages, presence, invitations, "
              "receipts");
}

/// Opens the store under test (without emptying it: a reopen continues where it was).
inline std::unique_ptr<store> open_store(const std::filesystem::path& dir, std::size_t shards) {
    if (pg_url().empty())
        return std::make_unique<sqlite_store>(dir.string(), durability::os, shards);
    return std::make_unique<pg_store>(pg_url(), shards);
}

} // namespace imedge::store::test
