// The IM store interface: conversations, members, messages with per-conversation sequence
// numbers, receipts. Asynchronous: a call returns at once and its completion runs later on
// the calling shard's thread (posted through the poster that shard registered). SQLite is the
// embedded implementation (sqlite_store.hpp); pg_store.hpp is the one nodes share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::store {

/// Outcome codes; error_name() is the wire form used in acks.
enum class status : std::uint8_t {
    ok,
    not_member,
    no_such_conversation,
    group_full,
    forbidden,            // the actor's role (or a missing permission) does not allow it
    not_invited,          // join of a group that is not open, without an invitation
    owner_must_hand_over, // the owner leaves (or steps down) while others remain
    io_error
};
const char* error_name(status s);

/// Ranks, highest first: a lower value outranks a higher one.
enum class role : std::uint8_t { owner, admin, member };
const char* role_name(role r);
/// The role a wire name names; false for another name.
bool parse_role(std::string_view name, role& out);

/// Who may join a group: members added or invited by an owner/admin only, or anyone.
enum class group_access : std::uint8_t { invite_only, open };

/// One entry of a conversation's sequence. Edits and deletes are entries too (kind "edit",
/// "delete") naming the entry they change in `ref`, so catch-up carries them.
struct message {
    std::string conversation;
    std::uint64_t seq = 0;
    std::int64_t ts_ms = 0;
    std::string sender;
    std::string kind = "msg";
    std::string body_json = "null";
    std::string client_id;
    std::uint64_t ref = 0;
};
using message_ptr = std::shared_ptr<const message>;

struct member {
    std::string user;
    role member_role = role::member;
};

/// Who appends: a member of the conversation, or the system (a backend through the push API),
/// which needs no membership and is named so that no user can be (user ids have no ':').
enum class sender_kind : std::uint8_t { member, system };

struct append_request {
    std::string conversation; // "d:<a>:<b>" (created on first use) or an existing group "g:..."
    std::string sender;
    std::string kind = "msg";
    std::string body_json;
    std::string client_id; // the same (conversation, sender, client_id) is stored once
    std::uint64_t ref = 0; // for edit/delete: the seq of the sender's own entry
    sender_kind from = sender_kind::member;
};

struct append_result {
    status code = status::ok;
    message_ptr stored; // the new entry, or the earlier one when client_id repeated
    bool duplicate = false;
};

struct conversation_summary {
    std::string id;
    std::uint64_t last_seq = 0;
    std::uint64_t delivered = 0; // this user's positions
    std::uint64_t read = 0;
    std::uint64_t unread = 0; // entries of others after `read`
    // The other members' positions, the lowest of each (so every other member has received,
    // or read, at least that far); for a direct conversation, the peer's. 0 with no others.
    std::uint64_t others_delivered = 0;
    std::uint64_t others_read = 0;
};

struct group_result {
    status code = status::ok;
    std::string conversation;
    std::vector<member> members; // after the change
    bool changed = false;        // false when it was already so (a member joining again, ...)
};

/// A membership change of a group, decided by the group's rules inside the writer (so two
/// concurrent changes see each other). The actor acts on the target:
///   join    actor joins: allowed when the group is open or the actor holds an invitation
///           (consumed); within the cap
///   leave   actor leaves; the owner only when no one else remains
///   invite  an owner/admin invites target (target then joins with `join`)
///   add     an owner/admin adds target as a member, within the cap
///   remove  an owner removes an admin or member, an admin removes a member
///   set_role  owner/admin changes target's role to new_role: an admin only raises a member to
///           admin; the owner sets admin or member of anyone else; new_role owner (the owner
///           only) hands the group over, and the old owner becomes an admin
/// An empty actor is the backend (the HTTP API): no role rule applies to it, the cap does, and
/// it can neither remove the owner nor leave a group ownerless.
enum class group_op : std::uint8_t { join, leave, invite, add, remove, set_role };

struct group_change {
    std::string group;
    std::string actor;
    group_op op = group_op::join;
    std::string target; // invite/add/remove/set_role; ignored by join/leave (the actor)
    role new_role = role::member;
};

struct receipt_result {
    status code = status::ok;
    std::uint64_t seq = 0; // the stored position (never moves back)
    std::vector<member> members;
};

/// A user's presence: online while any device is connected on any shard.
struct presence_state {
    std::string user;
    bool online = false;
    std::int64_t last_seen_ms = 0; // when the last device left (0: never seen offline)
};

struct presence_change {
    bool changed = false; // the user went online or offline with this call
    presence_state state;
    std::vector<std::string> contacts; // the members of the user's conversations, when changed
};

/// What every shard receives after each committed batch (one post per shard per batch):
/// the new entries in commit order, each with the members it goes to.
struct committed_entry {
    message_ptr entry;
    std::shared_ptr<const std::vector<std::string>> recipients;
};
using feed_batch = std::shared_ptr<const std::vector<committed_entry>>;

/// The push hand-off's view of one committed entry: its recipients who had no live device when
/// it committed (the sender never counts), each with their unread count over all their
/// conversations at that moment (the badge).
struct offline_recipient {
    std::string user;
    std::uint64_t unread = 0;
};
struct offline_entry {
    message_ptr entry;
    std::vector<offline_recipient> recipients;
};
using offline_batch = std::shared_ptr<const std::vector<offline_entry>>;
/// Called on the store's own thread after each commit that stored entries for offline
/// members; it must not block (hand the batch to another thread).
using offline_sink = std::function<void(offline_batch)>;

/// Posts a function onto one shard's thread. Must be thread-safe (asio::post is).
using poster = std::function<void(std::function<void()>)>;

struct read_request {
    std::string conversation;
    std::string user;         // must be a member
    std::uint64_t after = 0;  // entries with seq > after, ascending ...
    std::uint64_t before = 0; // ... or, when non-zero, seq < before, the newest first
    std::size_t limit = 100;
    /// 0: no bound. Else the page ends before the entry that would take it past this many
    /// bytes (entry_bytes), nearest `after` or `before` first kept; it always holds one entry.
    std::size_t max_bytes = 0;
};

struct read_result {
    status code = status::ok;
    std::vector<message_ptr> entries; // always ascending by seq
    bool truncated = false;           // max_bytes ended the page before `limit` entries
};

/// What an entry weighs in a page: its variable fields plus an allowance for the JSON around
/// them (im's message_json), so that a page's bound tracks the bytes sent.
inline std::size_t entry_bytes(const message& m) {
    return m.conversation.size() + m.sender.size() + m.kind.size() + m.body_json.size() +
           m.client_id.size() + 96;
}

/// Appends `m` to `page` when it fits under `max_bytes` with the `used` bytes so far (or is the
/// first, or there is no bound); else marks the page truncated and returns false: stop reading.
inline bool add_to_page(read_result& page, message_ptr m, std::size_t max_bytes,
                        std::size_t& used) {
    const auto bytes = entry_bytes(*m);
    if (max_bytes && !page.entries.empty() && used + bytes > max_bytes) {
        page.truncated = true;
        return false;
    }
    used += bytes;
    page.entries.push_back(std::move(m));
    return true;
}

/// Counts since the store started.
struct store_stats {
    std::uint64_t batches = 0;  // committed transactions
    std::uint64_t writes = 0;   // write requests completed
    std::uint64_t failures = 0; // transactions rolled back
};

/// Who may call: any shard, through its own index. Completions run on that shard's thread,
/// in the order the store finished them; a shard's completions of one batch come in one post.
class store {
public:
    virtual ~store() = default;

    /// Registers shard `index`: completions for it go through `post`, and every committed
    /// batch reaches `feed` on its thread. Call once per shard before its first request.
    virtual void attach_shard(std::size_t index, poster post,
                              std::function<void(feed_batch)> feed) = 0;

    /// Installs the push hand-off (before the first write). Without one, offline recipients are
    /// not looked for and no badge is computed.
    virtual void set_offline_sink(offline_sink sink) = 0;

    // Writes: batched into one transaction by the writer; completed after COMMIT.
    virtual void append(std::size_t shard, append_request r,
                        std::function<void(append_result)> done) = 0;
    virtual void create_group(std::size_t shard, std::string owner, std::string title,
                              std::vector<std::string> members, std::size_t cap,
                              group_access access, std::function<void(group_result)> done) = 0;
    /// Applies one membership change under the group's rules (see group_op).
    virtual void change_group(std::size_t shard, group_change change,
                              std::function<void(group_result)> done) = 0;
    /// kind: "delivered" or "read"; the position only moves forward.
    virtual void set_receipt(std::size_t shard, std::string user, std::string conversation,
                             std::string kind, std::uint64_t seq,
                             std::function<void(receipt_result)> done) = 0;

    /// A shard's first device of `user` connected (online) or its last one left (offline).
    /// Transitions are counted over shards; the completion says whether the user changed.
    virtual void set_presence(std::size_t shard, std::string user, bool online,
                              std::function<void(presence_change)> done) = 0;
    virtual void presence(std::size_t shard, std::vector<std::string> users,
                          std::function<void(std::vector<presence_state>)> done) = 0;

    // Reads: on a reader thread, never the writer's or a shard's.
    virtual void read(std::size_t shard, read_request r, std::function<void(read_result)> done) = 0;
    virtual void members(std::size_t shard, std::string user, std::string conversation,
                         std::function<void(group_result)> done) = 0;
    virtual void conversations(std::size_t shard, std::string user,
                               std::function<void(std::vector<conversation_summary>)> done) = 0;

    /// Finishes what is queued (completing it), then stops; later calls are dropped.
    virtual void stop() = 0;
    virtual store_stats stats() const = 0;
};

/// The direct conversation of two users, the same whichever way round: "d:<low>:<high>".
std::string direct_id(std::string_view a, std::string_view b);
/// The two users of a direct id; false when `id` is not one.
bool direct_members(std::string_view id, std::string& a, std::string& b);

} // namespace imedge::store
