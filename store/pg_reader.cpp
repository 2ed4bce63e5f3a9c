// Reads of the PostgreSQL store, on its reader thread (and the feed listener's).
#include "pg_reader.hpp"

#include <algorithm>

namespace imedge::store {
namespace {

constexpr const char* columns =
    "SELECT conversation, seq, ts, sender, kind, body, client_id, ref FROM messages ";

message_ptr row_message(const pg_result& r, int i) {
    auto m = std::make_shared<message>();
    m->conversation = r.text(i, 0);
    m->seq = static_cast<std::uint64_t>(r.integer(i, 1));
    m->ts_ms = r.integer(i, 2);
    m->sender = r.text(i, 3);
    m->kind = r.text(i, 4);
    m->body_json = r.text(i, 5);
    m->client_id = r.text(i, 6);
    m->ref = static_cast<std::uint64_t>(r.integer(i, 7));
    return m;
}

} // namespace

bool pg_reader_db::is_member(const std::string& user, const std::string& conversation) {
    return db_.exec("SELECT 1 FROM members WHERE conversation = $1 AND user_id = $2", conversation,
                    user)
               .rows() > 0;
}

read_result pg_reader_db::read(const read_request& r) {
    read_result out;
    if (!is_member(r.user, r.conversation)) {
        std::string a, b;
        // A direct conversation that has no entry yet is simply empty for its two users.
        if (direct_members(r.conversation, a, b) && (r.user == a || r.user == b))
            return out;
        out.code = status::not_member;
        return out;
    }
    auto limit = static_cast<std::uint64_t>(std::clamp<std::size_t>(r.limit, 1, 1000));
    auto rows = r.before
                    ? db_.exec((std::string(columns) +
                                "WHERE conversation = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3")
                                   .c_str(),
                               r.conversation, r.before, limit)
                    : db_.exec((std::string(columns) +
                                "WHERE conversation = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                                   .c_str(),
                               r.conversation, r.after, limit);
    std::size_t used = 0;
    for (int i = 0; i < rows.rows(); ++i)
        if (!add_to_page(out, row_message(rows, i), r.max_bytes, used))
            break;
    if (r.before)
        std::reverse(out.entries.begin(), out.entries.end());
    return out;
}

group_result pg_reader_db::members(const std::string& user, const std::string& conversation) {
    group_result out;
    out.conversation = conversation;
    if (!is_member(user, conversation)) {
        out.code = status::not_member;
        return out;
    }
    auto rows = db_.exec(
        "SELECT user_id, role FROM members WHERE conversation = $1 ORDER BY user_id COLLATE \"C\"",
        conversation);
    for (int i = 0; i < rows.rows(); ++i)
        out.members.push_back({rows.text(i, 0), static_cast<role>(rows.integer(i, 1))});
    return out;
}

std::vector<conversation_summary> pg_reader_db::conversations(const std::string& user) {
    auto rows =
        db_.exec("SELECT c.id, c.last_seq, coalesce(r.delivered, 0), coalesce(r.read, 0), "
                 "(SELECT count(*) FROM messages m WHERE m.conversation = c.id AND m.seq > "
                 "coalesce(r.read, 0) AND m.sender <> mb.user_id), "
                 // The other members' lowest positions.
                 "(SELECT coalesce(min(coalesce(o.delivered, 0)), 0) FROM members om "
                 "LEFT JOIN receipts o ON o.user_id = om.user_id AND o.conversation = c.id "
                 "WHERE om.conversation = c.id AND om.user_id <> mb.user_id), "
                 "(SELECT coalesce(min(coalesce(o.read, 0)), 0) FROM members om "
                 "LEFT JOIN receipts o ON o.user_id = om.user_id AND o.conversation = c.id "
                 "WHERE om.conversation = c.id AND om.user_id <> mb.user_id) "
                 "FROM members mb JOIN conversations c ON c.id = mb.conversation "
                 "LEFT JOIN receipts r ON r.user_id = mb.user_id AND r.conversation = c.id WHERE "
                 "mb.user_id = $1 ORDER BY c.id COLLATE \"C\"",
                 user);
    std::vector<conversation_summary> out;
    for (int i = 0; i < rows.rows(); ++i) {
        auto n = [&](int c) { return static_cast<std::uint64_t>(rows.integer(i, c)); };
        out.push_back({rows.text(i, 0), n(1), n(2), n(3), n(4), n(5), n(6)});
    }
    return out;
}

std::vector<committed_entry> pg_reader_db::committed(const std::string& conversation,
                                                     std::uint64_t first, std::uint64_t last) {
    auto rows = db_.exec(
        (std::string(columns) + "WHERE conversation = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq")
            .c_str(),
        conversation, first, last);
    auto users = std::make_shared<std::vector<std::string>>();
    auto m = db_.exec("SELECT user_id FROM members WHERE conversation = $1", conversation);
    users->reserve(static_cast<std::size_t>(m.rows()));
    for (int i = 0; i < m.rows(); ++i)
        users->push_back(m.text(i, 0));
    std::vector<committed_entry> out;
    out.reserve(static_cast<std::size_t>(rows.rows()));
    for (int i = 0; i < rows.rows(); ++i)
        out.push_back({row_message(rows, i), users});
    return out;
}

} // namespace imedge::store
