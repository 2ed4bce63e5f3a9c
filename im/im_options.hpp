// The IM service's command-line settings (the JWT, the store, rooms and groups), taken out of
// argv before the server's common options are parsed.
#pragma once

#include "jwt_verifier.hpp"
#include "store/sqlite_conn.hpp"

#include <string>
#include <variant>
#include <vector>

namespace imedge::im {

/// Immutable after start-up; read by every shard.
struct im_options {
    jwt_settings jwt;
    bool development_secret = false;      // no key was configured: one was generated at start
    std::string data_dir = "imedge-data"; // the SQLite file lives here
    store::durability durability = store::durability::fsync;
    std::string postgres_url; // when set, the store is this PostgreSQL database (shared by nodes)
    std::string user_room_prefix;      // a user's sockets join room prefix + user id
    std::size_t max_group_size = 1000; // the member cap a group may ask for at most
    std::string group_create_claim;    // when set, group.create needs this claim to be true
    std::int64_t token_ttl_s = 3600;   // for `imedge token`
};

/// The IM flags found in argv, and the rest (program name first) for the server's parser.
struct split_args {
    im_options options;
    std::vector<std::string> rest;
};

/// Parses --jwt-secret S, --jwt-public-key FILE, --jwt-private-key FILE, --jwt-algorithm A,
/// --jwt-issuer S, --jwt-audience S, --jwt-leeway S, --jwt-user-claim NAME, --data-dir DIR,
/// --durability fsync|os, --postgres URL, --user-room-prefix P, --max-group-size N,
/// --group-create-claim NAME,
/// --ttl S. Reads key files.
/// Returns an error message on bad input. Generates a development secret when no key is set.
std::variant<split_args, std::string> parse_im_options(int argc, const char* const* argv);

std::string im_usage();

} // namespace imedge::im
