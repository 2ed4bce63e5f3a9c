// The definitions of queued_store's calls, included only by the two stores' .cpp files, each of
// which instantiates queued_store for its own Db types (explicitly, once).
#pragma once

#include "queued_store.hpp"

#include <fmt/format.h>

namespace imedge::store {

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::append(std::size_t shard, append_request r,
                                              std::function<void(append_result)> done) {
    auto cb = share(std::move(done));
    auto lock = r.conversation;
    queues_.push_write({shard, std::move(lock),
                        [r = std::move(r), cb](WriterDb& db, std::int64_t now,
                                               std::vector<committed_entry>& feed) -> completion {
                            std::shared_ptr<const std::vector<std::string>> recipients;
                            auto result = db.append(r, now, recipients);
                            if (recipients)
                                feed.push_back({result.stored, recipients});
                            return [cb, result = std::move(result)] { (*cb)(result); };
                        },
                        [cb]() -> completion {
                            return [cb] { (*cb)(append_result{status::io_error, nullptr, false}); };
                        }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::create_group(std::size_t shard, std::string owner,
                                                    std::string title,
                                                    std::vector<std::string> members,
                                                    std::size_t cap, group_access access,
                                                    std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    queues_.push_write(
        {shard,
         {},
         [owner = std::move(owner), title = std::move(title), members = std::move(members), cap,
          access, cb,
          this](WriterDb& db, std::int64_t, std::vector<committed_entry>&) -> completion {
             auto id = fmt::format("g:{:016x}", group_ids_());
             auto result = db.create_group(id, owner, title, members, cap, access);
             return [cb, result = std::move(result)] { (*cb)(result); };
         },
         [cb]() -> completion {
             return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
         }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::change_group(std::size_t shard, group_change change,
                                                    std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    auto lock = change.group;
    queues_.push_write(
        {shard, std::move(lock),
         [change = std::move(change), cb](WriterDb& db, std::int64_t, std::vector<committed_entry>&)
             -> completion { return [cb, result = db.change_group(change)] { (*cb)(result); }; },
         [cb]() -> completion {
             return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
         }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::set_receipt(std::size_t shard, std::string user,
                                                   std::string conversation, std::string kind,
                                                   std::uint64_t seq,
                                                   std::function<void(receipt_result)> done) {
    auto cb = share(std::move(done));
    auto lock = conversation;
    queues_.push_write(
        {shard, std::move(lock),
         [user = std::move(user), conversation = std::move(conversation), kind = std::move(kind),
          seq, cb](WriterDb& db, std::int64_t, std::vector<committed_entry>&) -> completion {
             return [cb, result = db.set_receipt(user, conversation, kind, seq)] { (*cb)(result); };
         },
         [cb]() -> completion {
             return [cb] { (*cb)(receipt_result{status::io_error, 0, {}}); };
         }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::set_presence(std::size_t shard, std::string user,
                                                    bool online,
                                                    std::function<void(presence_change)> done) {
    auto cb = share(std::move(done));
    queues_.push_write(
        {shard,
         {},
         [user = std::move(user), online, cb](WriterDb& db, std::int64_t now,
                                              std::vector<committed_entry>&) -> completion {
             return [cb, result = db.set_presence(user, online, now)] { (*cb)(result); };
         },
         // As in sqlite_store: the count lives in memory and has moved; only last_seen was
         // not stored.
         [cb]() -> completion { return nullptr; }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::presence(
    std::size_t shard, std::vector<std::string> users,
    std::function<void(std::vector<presence_state>)> done) {
    auto cb = share(std::move(done));
    queues_.push_write(
        {shard,
         {},
         [users = std::move(users), cb](WriterDb& db, std::int64_t, std::vector<committed_entry>&)
             -> completion { return [cb, result = db.presence(users)] { (*cb)(result); }; },
         [cb]() -> completion { return [cb] { (*cb)({}); }; }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::read(std::size_t shard, read_request r,
                                            std::function<void(read_result)> done) {
    auto cb = share(std::move(done));
    queues_.push_read({shard,
                       [r = std::move(r), cb](ReaderDb& db) -> completion {
                           return [cb, result = db.read(r)] { (*cb)(result); };
                       },
                       [cb]() -> completion {
                           return [cb] { (*cb)(read_result{status::io_error, {}}); };
                       }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::members(std::size_t shard, std::string user,
                                               std::string conversation,
                                               std::function<void(group_result)> done) {
    auto cb = share(std::move(done));
    queues_.push_read({shard,
                       [user = std::move(user), conversation = std::move(conversation),
                        cb](ReaderDb& db) -> completion {
                           return [cb, result = db.members(user, conversation)] { (*cb)(result); };
                       },
                       [cb]() -> completion {
                           return [cb] { (*cb)(group_result{status::io_error, {}, {}, false}); };
                       }});
}

template <class WriterDb, class ReaderDb>
void queued_store<WriterDb, ReaderDb>::conversations(
    std::size_t shard, std::string user,
    std::function<void(std::vector<conversation_summary>)> done) {
    auto cb = share(std::move(done));
    queues_.push_read({shard,
                       [user = std::move(user), cb](ReaderDb& db) -> completion {
                           return [cb, result = db.conversations(user)] { (*cb)(result); };
                       },
                       // The list has no status: a failed read answers as an empty one.
                       [cb]() -> completion { return [cb] { (*cb)({}); }; }});
}

} // namespace imedge::store
