// The SQLite store through its interface: gap-free seqs, one id per direct pair, client-id
// dedup, membership and caps, receipts and unread counts, history pages, the committed feed,
// and persistence across a reopen. Runs the store's real threads on a temporary directory (or
// on PostgreSQL: test_store.hpp).
#include "test_poster.hpp"
#include "test_store.hpp"

#include <doctest.h>

#include <algorithm>
#include <optional>

using namespace imedge::store;
using imedge::store::test::temp_dir;
using imedge::store::test::test_shard;

namespace {

struct fixture {
    temp_dir dir;
    test_shard shard;
    std::vector<committed_entry> fed;
    std::size_t feed_posts = 0;
    std::unique_ptr<store> db;

    fixture() {
        test::start_empty();
        open();
    }
    void open() {
        db = test::open_store(dir.path, 1);
        db->attach_shard(0, shard.make_poster(), [this](feed_batch b) {
            ++feed_posts;
            fed.insert(fed.end(), b->begin(), b->end());
        });
    }

    append_result send(const std::string& from, const std::string& conv, const std::string& body,
                       const std::string& client_id = {}, std::string kind = "msg",
                       std::uint64_t ref = 0) {
        std::optional<append_result> out;
        db->append(0, {conv, from, std::move(kind), body, client_id, ref},
                   [&](append_result r) { out = r; });
        REQUIRE(shard.run_until([&] { return out.has_value(); }));
        return *out;
    }
    template <class R, class F> R wait(F start) {
        std::optional<R> out;
        start([&](R r) { out = std::move(r); });
        REQUIRE(shard.run_until([&] { return out.has_value(); }));
        return *out;
    }
    group_result change(const std::string& group, const std::string& actor, group_op op,
                        const std::string& target = {}, role new_role = role::member) {
        group_change c{group, actor, op, target, new_role};
        return wait<group_result>([&](auto cb) { db->change_group(0, c, cb); });
    }
    read_result read(const std::string& user, const std::string& conv, std::uint64_t after,
                     std::uint64_t before, std::size_t limit) {
        return wait<read_result>([&](auto cb) {
            db->read(0, {conv, user, after, before, limit}, cb);
        });
    }
};

} // namespace

TEST_SUITE("store") {
    TEST_CASE("direct ids are one per pair") {
        CHECK(direct_id("bob", "alice") == "d:alice:bob");
        CHECK(direct_id("alice", "bob") == "d:alice:bob");
        std::string a, b;
        CHECK(direct_members("d:alice:bob", a, b));
        CHECK((a == "alice" && b == "bob"));
        CHECK_FALSE(direct_members("d:bob:alice", a, b));
        CHECK_FALSE(direct_members("d:alice", a, b));
        CHECK_FALSE(direct_members("g:1", a, b));
        CHECK_FALSE(direct_members("d:a:b:c", a, b));
    }

    TEST_CASE("direct sends get gap-free seqs, are fed with their recipients, and read back") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        for (int i = 1; i <= 5; ++i) {
            auto r = f.send(i % 2 ? "alice" : "bob", conv, "{\"n\":" + std::to_string(i) + "}");
            REQUIRE(r.code == status::ok);
            CHECK(r.stored->seq == static_cast<std::uint64_t>(i));
            CHECK_FALSE(r.duplicate);
        }
        REQUIRE(f.shard.run_until([&] { return f.fed.size() == 5; }));
        CHECK(f.fed[4].entry->seq == 5);
        CHECK(*f.fed[0].recipients == std::vector<std::string>{"alice", "bob"});
        CHECK(f.send("carol", conv, "{}").code == status::not_member);
        CHECK(f.send("alice", "d:bob:alice", "{}").code == status::no_such_conversation);
        CHECK(f.send("alice", "g:nothing", "{}").code == status::no_such_conversation);

        auto page = f.read("bob", conv, 2, 0, 2);
        REQUIRE(page.entries.size() == 2);
        CHECK(page.entries[0]->seq == 3);
        CHECK(page.entries[1]->body_json == "{\"n\":4}");
        auto back = f.read("bob", conv, 0, 5, 3);
        REQUIRE(back.entries.size() == 3);
        CHECK(back.entries[0]->seq == 2);
        CHECK(back.entries[2]->seq == 4);
        CHECK(f.read("carol", conv, 0, 0, 10).code == status::not_member);
        CHECK(f.read("carol", direct_id("carol", "dave"), 0, 0, 10).entries.empty());
    }

    TEST_CASE("a page ends at max_bytes, keeping the entries nearest its cursor, at least one") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        const std::string body = "\"" + std::string(1000, 'x') + "\"";
        for (int i = 1; i <= 10; ++i)
            REQUIRE(f.send("alice", conv, body).code == status::ok);
        const auto one = entry_bytes(*f.read("bob", conv, 0, 0, 1).entries.at(0));
        auto bounded = [&](std::uint64_t after, std::uint64_t before, std::size_t max_bytes) {
            return f.wait<read_result>([&](auto cb) {
                f.db->read(0, {conv, "bob", after, before, 100, max_bytes}, cb);
            });
        };
        auto forward = bounded(2, 0, 3 * one + one / 2);
        REQUIRE(forward.entries.size() == 3);
        CHECK(forward.entries.front()->seq == 3);
        CHECK(forward.entries.back()->seq == 5);
        CHECK(forward.truncated);
        auto backward = bounded(0, 9, 2 * one);
        REQUIRE(backward.entries.size() == 2);
        CHECK(backward.entries.front()->seq == 7);
        CHECK(backward.entries.back()->seq == 8);
        CHECK(backward.truncated);
        auto tiny = bounded(0, 0, 10);
        REQUIRE(tiny.entries.size() == 1);
        CHECK(tiny.entries[0]->seq == 1);
        CHECK(tiny.truncated);
        auto roomy = bounded(0, 0, 100 * one);
        CHECK(roomy.entries.size() == 10);
        CHECK_FALSE(roomy.truncated);
        CHECK_FALSE(f.read("bob", conv, 0, 0, 100).truncated); // no bound
    }

    TEST_CASE("a system sender needs no membership, opens a direct pair, not a group") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        auto system = [&](const std::string& c, const std::string& client_id) {
            append_request r{c, "system:api", "msg", "{\"s\":1}", client_id};
            r.from = sender_kind::system;
            return f.wait<append_result>([&](auto cb) { f.db->append(0, r, cb); });
        };
        auto first = system(conv, "once");
        REQUIRE(first.code == status::ok);
        CHECK(first.stored->seq == 1);
        CHECK(first.stored->sender == "system:api");
        CHECK(system(conv, "once").duplicate);
        CHECK(f.send("alice", conv, "{}").stored->seq == 2); // the pair was opened by the system
        REQUIRE(f.shard.run_until([&] { return f.fed.size() == 2; }));
        CHECK(*f.fed[0].recipients == std::vector<std::string>{"alice", "bob"});
        CHECK(system("g:nothing", "").code == status::no_such_conversation);
        CHECK(system("d:bob:alice", "").code == status::no_such_conversation);
        // A member sender of the same name is still not a member.
        CHECK(f.send("system:api", conv, "{}").code == status::not_member);
        CHECK(f.read("bob", conv, 0, 0, 10).entries.size() == 2);
    }

    TEST_CASE("a repeated client id is stored once and acked with the same seq") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        auto first = f.send("alice", conv, "{\"t\":1}", "c-1");
        auto again = f.send("alice", conv, "{\"t\":1}", "c-1");
        CHECK(again.duplicate);
        CHECK(again.stored->seq == first.stored->seq);
        CHECK(again.stored->ts_ms == first.stored->ts_ms);
        CHECK(f.send("bob", conv, "{}", "c-1").stored->seq == 2); // another sender's id space
        CHECK(f.read("alice", conv, 0, 0, 100).entries.size() == 2);
        REQUIRE(f.shard.run_until([&] { return f.fed.size() == 2; }));
    }

    TEST_CASE("edit and delete are entries of their own, by the author only") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        f.send("alice", conv, "\"hi\"");
        CHECK(f.send("bob", conv, "\"x\"", {}, "edit", 1).code == status::forbidden);
        CHECK(f.send("alice", conv, "\"x\"", {}, "edit", 9).code == status::forbidden);
        auto edit = f.send("alice", conv, "\"hello\"", {}, "edit", 1);
        REQUIRE(edit.code == status::ok);
        CHECK(edit.stored->seq == 2);
        CHECK(edit.stored->ref == 1);
        CHECK(f.send("alice", conv, "null", {}, "delete", 2).code ==
              status::forbidden); // not a message
        CHECK(f.send("alice", conv, "null", {}, "delete", 1).stored->seq == 3);
    }

    TEST_CASE("groups: owner, open join up to the cap, leave, members") {
        fixture f;
        auto g = f.wait<group_result>([&](auto cb) {
            f.db->create_group(0, "alice", "team", {"bob", "alice"}, 3, group_access::open, cb);
        });
        REQUIRE(g.code == status::ok);
        CHECK(g.conversation.starts_with("g:"));
        REQUIRE(g.members.size() == 2);
        CHECK(g.members[0].user == "alice");
        CHECK(g.members[0].member_role == role::owner);
        CHECK(f.send("carol", g.conversation, "{}").code == status::not_member);
        CHECK(f.change(g.conversation, "carol", group_op::join).code == status::ok);
        CHECK(f.change(g.conversation, "dave", group_op::join).code == status::group_full);
        CHECK(f.send("carol", g.conversation, "{}").stored->seq == 1);
        REQUIRE(f.shard.run_until([&] { return f.fed.size() == 1; }));
        CHECK(f.fed[0].recipients->size() == 3);
        auto left = f.change(g.conversation, "carol", group_op::leave);
        CHECK(left.changed);
        CHECK(left.members.size() == 2); // the members after the change
        CHECK(f.send("carol", g.conversation, "{}").code == status::not_member);
        auto listed =
            f.wait<group_result>([&](auto cb) { f.db->members(0, "bob", g.conversation, cb); });
        CHECK(listed.members.size() == 2);
        CHECK(f.wait<group_result>([&](auto cb) {
                   f.db->members(0, "carol", g.conversation, cb);
               }).code == status::not_member);
        CHECK(f.wait<group_result>([&](auto cb) {
                   f.db->create_group(0, "x", "big", {"a", "b"}, 2, group_access::open, cb);
               }).code == status::group_full);
    }

    TEST_CASE("groups: invitations, roles, hand-over; the rules survive a reopen") {
        fixture f;
        auto g =
            f.wait<group_result>([&](auto cb) {
                 f.db->create_group(0, "olga", "t", {"mia"}, 10, group_access::invite_only, cb);
             }).conversation;
        using op = group_op;
        CHECK(f.change(g, "ned", op::join).code == status::not_invited);
        CHECK(f.change(g, "mia", op::invite, "ned").code == status::forbidden); // a member
        CHECK(f.change(g, "olga", op::invite, "ned").changed);
        CHECK(f.change(g, "olga", op::set_role, "mia", role::admin).code == status::ok);
        CHECK(f.change(g, "mia", op::invite, "pat").changed); // an admin invites
        f.db.reset();
        f.open();
        auto joined = f.change(g, "ned", op::join);
        REQUIRE(joined.code == status::ok);
        CHECK(joined.changed);
        CHECK(joined.members.size() == 3);
        CHECK(f.change(g, "ned", op::join).changed == false); // already in: no change
        // The invitation was used up: after leaving, ned needs a new one.
        CHECK(f.change(g, "ned", op::leave).code == status::ok);
        CHECK(f.change(g, "ned", op::join).code == status::not_invited);
        CHECK(f.change(g, "mia", op::add, "ned").changed);
        CHECK(f.change(g, "ned", op::remove, "mia").code == status::forbidden);
        CHECK(f.change(g, "mia", op::remove, "olga").code == status::forbidden);
        CHECK(f.change(g, "olga", op::leave).code == status::owner_must_hand_over);
        CHECK(f.change(g, "mia", op::set_role, "ned", role::owner).code == status::forbidden);
        auto handed = f.change(g, "olga", op::set_role, "ned", role::owner);
        REQUIRE(handed.code == status::ok);
        auto role_of = [&](const group_result& r, const std::string& user) {
            for (const auto& m : r.members)
                if (m.user == user)
                    return m.member_role;
            FAIL("no such member");
            return role::member;
        };
        CHECK(role_of(handed, "ned") == role::owner);
        CHECK(role_of(handed, "olga") == role::admin);
        CHECK(f.change(g, "olga", op::leave).code == status::ok);
        // The backend (no actor) adds anyone, within the cap, but never removes the owner.
        CHECK(f.change(g, "", op::add, "zed").changed);
        CHECK(f.change(g, "", op::remove, "ned").code == status::forbidden);
        CHECK(f.change(g, "", op::join).code == status::forbidden);
        CHECK(f.change("g:none", "ned", op::join).code == status::no_such_conversation);
    }

    TEST_CASE("receipts only move forward; unread counts come from the read position") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        for (int i = 0; i < 4; ++i)
            f.send("alice", conv, "{}");
        f.send("bob", conv, "{}");
        auto set = [&](const char* kind, std::uint64_t seq) {
            return f.wait<receipt_result>(
                [&](auto cb) { f.db->set_receipt(0, "bob", conv, kind, seq, cb); });
        };
        CHECK(set("delivered", 3).seq == 3);
        CHECK(set("delivered", 2).seq == 3);
        CHECK(set("read", 2).seq == 2);
        CHECK(set("read", 99).seq == 5); // clamped to the last seq
        CHECK(f.wait<receipt_result>([&](auto cb) {
                   f.db->set_receipt(0, "carol", conv, "read", 1, cb);
               }).code == status::not_member);
        set("read", 1); // no effect: stays 5
        auto list = [&](const char* user) {
            return f.wait<std::vector<conversation_summary>>(
                [&](auto cb) { f.db->conversations(0, user, cb); });
        };
        auto bob = list("bob");
        REQUIRE(bob.size() == 1);
        CHECK(bob[0].last_seq == 5);
        CHECK(bob[0].read == 5);
        CHECK(bob[0].unread == 0);
        CHECK(bob[0].others_delivered == 0); // alice reported nothing
        CHECK(bob[0].others_read == 0);
        auto alice = list("alice");
        REQUIRE(alice.size() == 1);
        CHECK(alice[0].unread == 1);           // bob's one entry
        CHECK(alice[0].others_delivered == 5); // bob's positions: read implies delivered
        CHECK(alice[0].others_read == 5);
        CHECK(list("carol").empty());
    }

    TEST_CASE("concurrent appends commit in batches; one feed post per batch") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        int acked = 0;
        std::uint64_t last = 0;
        bool ordered = true;
        for (int i = 0; i < 2000; ++i)
            f.db->append(0, {conv, "alice", "msg", "{}", "id-" + std::to_string(i), 0},
                         [&](append_result r) {
                             ordered = ordered && r.code == status::ok && r.stored->seq == last + 1;
                             last = r.stored->seq;
                             ++acked;
                         });
        REQUIRE(f.shard.run_until([&] { return acked == 2000 && f.fed.size() == 2000; }));
        CHECK(ordered);
        auto stats = f.db->stats();
        CHECK(stats.writes == 2000);
        CHECK(stats.batches == f.feed_posts); // acks and the feed of a batch share its one post
        CHECK(f.shard.posts() == f.feed_posts);
        for (std::size_t i = 0; i < f.fed.size(); ++i)
            CHECK(f.fed[i].entry->seq == i + 1);
    }

    TEST_CASE("a reopened store continues each sequence and still knows client ids") {
        fixture f;
        auto conv = direct_id("alice", "bob");
        f.send("alice", conv, "{}", "a");
        f.send("alice", conv, "{}", "b");
        f.db.reset();
        f.open();
        CHECK(f.send("alice", conv, "{}", "b").duplicate);
        CHECK(f.send("bob", conv, "{}", "c").stored->seq == 3);
    }

    TEST_CASE("presence: online while any shard has a device; last seen when the last leaves") {
        fixture f;
        f.send("alice", direct_id("alice", "bob"), "{}");
        auto g = f.wait<group_result>([&](auto cb) {
            f.db->create_group(0, "carol", "g", {"alice"}, 10, group_access::invite_only, cb);
        });
        REQUIRE(g.code == status::ok);
        auto set = [&](bool online) {
            return f.wait<presence_change>(
                [&](auto cb) { f.db->set_presence(0, "alice", online, cb); });
        };
        auto first = set(true);
        CHECK(first.changed);
        CHECK(first.state.online);
        std::sort(first.contacts.begin(), first.contacts.end());
        CHECK(first.contacts == std::vector<std::string>{"bob", "carol"});
        CHECK_FALSE(set(true).changed); // a second shard
        CHECK_FALSE(set(false).changed);
        auto now = f.wait<std::vector<presence_state>>([&](auto cb) {
            f.db->presence(0, {"alice", "bob"}, cb);
        });
        REQUIRE(now.size() == 2);
        CHECK(now[0].online);
        CHECK_FALSE(now[1].online);
        auto gone = set(false);
        CHECK(gone.changed);
        CHECK_FALSE(gone.state.online);
        CHECK(gone.state.last_seen_ms > 0);
        CHECK_FALSE(set(false).changed); // never below zero
        auto later =
            f.wait<std::vector<presence_state>>([&](auto cb) { f.db->presence(0, {"alice"}, cb); });
        CHECK_FALSE(later[0].online);
        CHECK(later[0].last_seen_ms == gone.state.last_seen_ms);
    }
}
