// libpq calls of the PostgreSQL store, and the failures they raise.
#include "pg_conn.hpp"

#include <fmt/format.h>

#include <charconv>

namespace imedge::store {

std::int64_t pg_result::integer(int row, int column) const {
    const char* v = PQgetvalue(r_.get(), row, column);
    std::int64_t out = 0;
    std::from_chars(v, v + PQgetlength(r_.get(), row, column), out);
    return out;
}

pg_connection::pg_connection(const std::string& url) {
    // Defaults first: with expand_dbname the URL's own settings override them. libpq prints
    // the server's notices to stderr; only warnings and errors are worth it.
    const char* keys[] = {"connect_timeout",
                          "keepalives_idle",
                          "keepalives_interval",
                          "keepalives_count",
                          "application_name",
                          "options",
                          "dbname",
                          nullptr};
    const char* values[] = {
        "5", "10", "5", "3", "imedge", "-c client_min_messages=warning", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string why = conn_ ? PQerrorMessage(conn_) : "out of memory";
        while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
            why.pop_back();
        PQfinish(conn_);
        conn_ = nullptr;
        throw pg_failure("connect: " + why, {}, true);
    }
}

void pg_connection::fail(const char* what, const PGresult* r) const {
    std::string why = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
        why.pop_back();
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    throw pg_failure(fmt::format("{}: {}", what, why), state ? state : "", !ok());
}

pg_result pg_connection::run(const char* sql, int n, const char* const* params) {
    PGresult* raw = PQexecParams(conn_, sql, n, nullptr, params, nullptr, nullptr, 0);
    pg_result r(raw);
    auto s = PQresultStatus(raw); // PGRES_FATAL_ERROR for a null result (connection gone)
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail("statement", raw);
    return r;
}

void pg_connection::script(const char* sql) {
    PGresult* r = PQexec(conn_, sql);
    auto s = PQresultStatus(r);
    pg_result owned(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        fail("statement", r);
}

} // namespace imedge::store
