// A thin RAII layer over one libpq connection: parameterised statements with text values, and
// the results as text. Used only on the PostgreSQL store's own threads (one connection each);
// every call blocks, which is why no shard thread ever makes one.
#pragma once

#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace imedge::store {

/// Thrown for a PostgreSQL failure; the store's threads catch it at the transaction boundary.
struct pg_failure : std::runtime_error {
    pg_failure(const std::string& what, std::string state, bool lost)
        : std::runtime_error(what), sqlstate(std::move(state)), connection_lost(lost) {}
    std::string sqlstate;         // five characters, empty when the server gave none
    bool connection_lost = false; // the connection is unusable: reconnect before the next use
    /// A deadlock or a serialization failure: the same transaction may simply run again.
    bool retryable() const { return sqlstate == "40P01" || sqlstate == "40001"; }
};

class pg_result {
public:
    explicit pg_result(PGresult* r) : r_(r, PQclear) {}
    int rows() const { return PQntuples(r_.get()); }
    std::string text(int row, int column) const {
        return {PQgetvalue(r_.get(), row, column),
                static_cast<std::size_t>(PQgetlength(r_.get(), row, column))};
    }
    std::int64_t integer(int row, int column) const;
    bool boolean(int row, int column) const { return *PQgetvalue(r_.get(), row, column) == 't'; }

private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class pg_connection {
public:
    /// Connects to `url` (a libpq URI or key=value string). A connect timeout and TCP keepalives
    /// are set unless the URL sets them, so that a dead server fails calls instead of hanging.
    explicit pg_connection(const std::string& url);
    pg_connection(const pg_connection&) = delete;
    pg_connection& operator=(const pg_connection&) = delete;
    ~pg_connection() { PQfinish(conn_); }

    /// Runs one statement with parameters $1..$n (each passed as text).
    template <class... T> pg_result exec(const char* sql, const T&... values) {
        std::array<std::string, sizeof...(T)> text{to_text(values)...};
        std::array<const char*, sizeof...(T) + 1> params{};
        for (std::size_t i = 0; i < text.size(); ++i)
            params[i] = text[i].c_str();
        return run(sql, static_cast<int>(text.size()), params.data());
    }
    /// Runs statements without parameters (the schema, BEGIN, COMMIT, LISTEN).
    void script(const char* sql);

    bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
    PGconn* handle() const { return conn_; }

private:
    static std::string to_text(std::string_view v) { return std::string(v); }
    static std::string to_text(const std::string& v) { return v; }
    static std::string to_text(const char* v) { return v; }
    static std::string to_text(std::int64_t v) { return std::to_string(v); }
    static std::string to_text(std::uint64_t v) { return std::to_string(v); }
    static std::string to_text(int v) { return std::to_string(v); }
    static std::string to_text(bool v) { return v ? "true" : "false"; }

    pg_result run(const char* sql, int n, const char* const* params);
    [[noreturn]] void fail(const char* what, const PGresult* r) const;

    PGconn* conn_ = nullptr;
};

} // namespace imedge::store
