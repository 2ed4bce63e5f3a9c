// The store's push hand-off: after each commit, the entries stored for members with no live
// device, with each one's badge (unread entries over all their conversations), never the
// sender, never an online member; badges follow receipts, presence and membership.
#include "test_poster.hpp"
#include "test_store.hpp"

#include <doctest.h>

#include <optional>
#include <utility>

using namespace imedge::store;
using imedge::store::test::temp_dir;
using imedge::store::test::test_shard;

namespace {

struct fixture {
    temp_dir dir;
    test_shard shard;
    std::vector<offline_entry> pushed; // on the test thread (the sink posts to it)
    std::unique_ptr<store> db;

    fixture() {
        test::start_empty();
        db = test::open_store(dir.path, 1);
        db->attach_shard(0, shard.make_poster(), [](feed_batch) {});
        auto post = shard.make_poster();
        db->set_offline_sink([this, post](offline_batch b) {
            post([this, b] { pushed.insert(pushed.end(), b->begin(), b->end()); });
        });
    }
    template <class R, class F> R wait(F start) {
        std::optional<R> out;
        start([&](R r) { out = std::move(r); });
        REQUIRE(shard.run_until([&] { return out.has_value(); }));
        return *out;
    }
    std::uint64_t send(const std::string& from, const std::string& conv) {
        auto r = wait<append_result>([&](auto cb) {
            db->append(0, {conv, from, "msg", R"("x")", {}, 0}, cb);
        });
        REQUIRE(r.code == status::ok);
        return r.stored->seq;
    }
    void presence(const std::string& user, bool online) {
        wait<presence_change>([&](auto cb) { db->set_presence(0, user, online, cb); });
    }
    /// The offline entries up to and including the one for `marker` (an offline user's seq in
    /// `conv`): the sink's batches come in commit order, so whatever an earlier send produced
    /// is in by then.
    std::vector<offline_entry> until(const std::string& conv, std::uint64_t seq) {
        REQUIRE(shard.run_until([&] {
            for (const auto& e : pushed)
                if (e.entry->conversation == conv && e.entry->seq == seq)
                    return true;
            return false;
        }));
        return std::exchange(pushed, {});
    }
};

std::vector<std::pair<std::string, std::uint64_t>> badges(const offline_entry& e) {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    for (const auto& r : e.recipients)
        out.emplace_back(r.user, r.unread);
    return out;
}

using badge_list = std::vector<std::pair<std::string, std::uint64_t>>;

} // namespace

TEST_SUITE("store") {
    TEST_CASE("offline sink: offline recipients with badges; not the sender, not online members") {
        fixture f;
        auto ab = direct_id("alice", "bob");
        f.presence("alice", true);
        f.send("alice", ab);
        auto seq = f.send("alice", ab);
        auto got = f.until(ab, seq);
        REQUIRE(got.size() == 2);
        CHECK(badges(got[0]) == badge_list{{"bob", 1}});
        CHECK(badges(got[1]) == badge_list{{"bob", 2}});

        // bob online: nothing for him; carol (offline) is the marker that the batch went by.
        f.presence("bob", true);
        f.send("alice", ab);
        auto ac = direct_id("alice", "carol");
        got = f.until(ac, f.send("alice", ac));
        REQUIRE(got.size() == 1);
        CHECK(badges(got[0]) == badge_list{{"carol", 1}});

        // bob offline again: his badge is counted afresh, the message sent while online too.
        f.presence("bob", false);
        got = f.until(ab, f.send("alice", ab));
        REQUIRE(got.size() == 1);
        CHECK(badges(got[0]) == badge_list{{"bob", 4}});

        // bob reads up to 3 (from another device, say): his badge drops to what is after it.
        f.wait<receipt_result>([&](auto cb) { f.db->set_receipt(0, "bob", ab, "read", 3, cb); });
        got = f.until(ab, f.send("alice", ab));
        REQUIRE(got.size() == 1);
        CHECK(badges(got[0]) == badge_list{{"bob", 2}});
        // bob's own message is no push for anyone online, and no unread for him.
        f.presence("alice", false);
        got = f.until(ab, f.send("bob", ab));
        REQUIRE(got.size() == 1);
        CHECK(badges(got[0]) == badge_list{{"alice", 1}});
    }

    TEST_CASE("offline sink: a group pushes to its offline members; badges add up conversations") {
        fixture f;
        auto g = f.wait<group_result>([&](auto cb) {
            f.db->create_group(0, "alice", "t", {"bob", "carol", "dave"}, 10, group_access::open,
                               cb);
        });
        REQUIRE(g.code == status::ok);
        f.presence("alice", true);
        f.presence("carol", true);
        auto ab = direct_id("alice", "bob");
        f.send("alice", ab);
        auto got = f.until(g.conversation, f.send("alice", g.conversation));
        REQUIRE(got.size() == 2);
        CHECK(badges(got[0]) == badge_list{{"bob", 1}});
        CHECK(badges(got[1]) == badge_list{{"bob", 2}, {"dave", 1}});

        // erin joins: the group's history is unread for her when the next one comes.
        REQUIRE(f.wait<group_result>([&](auto cb) {
                     f.db->change_group(
                         0, {g.conversation, "erin", group_op::join, "", role::member}, cb);
                 }).code == status::ok);
        got = f.until(g.conversation, f.send("carol", g.conversation));
        REQUIRE(got.size() == 1);
        CHECK(badges(got[0]) == badge_list{{"bob", 3}, {"dave", 2}, {"erin", 2}});
        // dave leaves: no push for him, and his badge is only the direct conversation's (none).
        REQUIRE(f.wait<group_result>([&](auto cb) {
                     f.db->change_group(
                         0, {g.conversation, "dave", group_op::leave, "", role::member}, cb);
                 }).code == status::ok);
        got = f.until(g.conversation, f.send("alice", g.conversation));
        REQUIRE(got.size() == 1);
        CHECK(badges(got[0]) == badge_list{{"bob", 4}, {"erin", 3}});
    }
}
