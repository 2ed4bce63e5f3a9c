// Reads of the SQLite store, run on its reader thread.
#include "sqlite_reader.hpp"

#include <algorithm>

namespace imedge::store {
namespace {

constexpr const char* columns =
    "SELECT conversation, seq, ts, sender, kind, body, client_id, ref FROM messages ";

message_ptr row_message(statement& s) {
    auto m = std::make_shared<message>();
    m->conversation = s.text(0);
    m->seq = static_cast<std::uint64_t>(s.integer(1));
    m->ts_ms = s.integer(2);
    m->sender = s.text(3);
    m->kind = s.text(4);
    m->body_json = s.text(5);
    m->client_id = s.text(6);
    m->ref = static_cast<std::uint64_t>(s.integer(7));
    return m;
}

} // namespace

reader_db::reader_db(const std::string& path, durability d) : db_(path, d) {
    is_member_ = db_.prepare("SELECT 1 FROM members WHERE conversation = ? AND user = ?");
    after_ = db_.prepare(std::string(columns) +
                         "WHERE conversation = ? AND seq > ? ORDER BY seq LIMIT ?");
    before_ = db_.prepare(std::string(columns) +
                          "WHERE conversation = ? AND seq < ? ORDER BY seq DESC LIMIT ?");
    members_ = db_.prepare("SELECT user, role FROM members WHERE conversation = ? ORDER BY user");
    list_ = db_.prepare("SELECT c.id, c.last_seq, coalesce(r.delivered, 0), coalesce(r.read, 0), "
                        "(SELECT count(*) FROM messages m WHERE m.conversation = c.id AND m.seq > "
                        "coalesce(r.read, 0) "
                        "AND m.sender <> mb.user), "
                        // The other members' lowest positions (one index walk per conversation).
                        "(SELECT coalesce(min(coalesce(o.delivered, 0)), 0) FROM members om "
                        "LEFT JOIN receipts o ON o.user = om.user AND o.conversation = c.id "
                        "WHERE om.conversation = c.id AND om.user <> mb.user), "
                        "(SELECT coalesce(min(coalesce(o.read, 0)), 0) FROM members om "
                        "LEFT JOIN receipts o ON o.user = om.user AND o.conversation = c.id "
                        "WHERE om.conversation = c.id AND om.user <> mb.user) "
                        "FROM members mb JOIN conversations c ON c.id = mb.conversation "
                        "LEFT JOIN receipts r ON r.user = mb.user AND r.conversation = c.id WHERE "
                        "mb.user = ? ORDER BY c.id");
}

void reader_db::reset_all() {
    for (auto* s : {&is_member_, &after_, &before_, &members_, &list_})
        s->reset();
}

bool reader_db::is_member(const std::string& user, const std::string& conversation) {
    bool found = is_member_.bind(conversation, user).step();
    is_member_.reset();
    return found;
}

read_result reader_db::read(const read_request& r) {
    read_result out;
    if (!is_member(r.user, r.conversation)) {
        std::string a, b;
        // A direct conversation that has no entry yet is simply empty for its two users.
        if (direct_members(r.conversation, a, b) && (r.user == a || r.user == b))
            return out;
        out.code = status::not_member;
        return out;
    }
    auto limit = static_cast<std::int64_t>(std::clamp<std::size_t>(r.limit, 1, 1000));
    auto& s = r.before ? before_.bind(r.conversation, r.before, limit)
                       : after_.bind(r.conversation, r.after, limit);
    std::size_t used = 0;
    while (s.step())
        if (!add_to_page(out, row_message(s), r.max_bytes, used))
            break;
    s.reset();
    if (r.before)
        std::reverse(out.entries.begin(), out.entries.end());
    return out;
}

group_result reader_db::members(const std::string& user, const std::string& conversation) {
    group_result out;
    out.conversation = conversation;
    if (!is_member(user, conversation)) {
        out.code = status::not_member;
        return out;
    }
    members_.bind(conversation);
    while (members_.step())
        out.members.push_back({members_.text(0), static_cast<role>(members_.integer(1))});
    members_.reset();
    return out;
}

std::vector<conversation_summary> reader_db::conversations(const std::string& user) {
    std::vector<conversation_summary> out;
    list_.bind(user);
    while (list_.step()) {
        out.push_back({list_.text(0), static_cast<std::uint64_t>(list_.integer(1)),
                       static_cast<std::uint64_t>(list_.integer(2)),
                       static_cast<std::uint64_t>(list_.integer(3)),
                       static_cast<std::uint64_t>(list_.integer(4)),
                       static_cast<std::uint64_t>(list_.integer(5)),
                       static_cast<std::uint64_t>(list_.integer(6))});
    }
    list_.reset();
    return out;
}

} // namespace imedge::store
