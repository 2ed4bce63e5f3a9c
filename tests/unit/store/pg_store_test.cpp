// What only the shared PostgreSQL store has to prove: two stores on one database (two nodes)
// appending to one conversation at once get one gap-free sequence, and each feeds its shards
// the other's entries too (LISTEN/NOTIFY); a lost connection fails calls instead of hanging and
// is reopened; the notifications' text. The cases that need a server are skipped unless
// IMEDGE_TEST_PG_URL is set (tests/e2e/run-postgres.sh sets it).
#include "store/pg_feed.hpp"
#include "store/pg_writer.hpp"
#include "test_poster.hpp"
#include "test_store.hpp"

#include <doctest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>

using namespace imedge::store;
using imedge::store::test::test_shard;

namespace {

const bool no_server = test::pg_url().empty();

// One node: a store with one shard, and what its feed delivered.
struct node {
    test_shard shard;
    std::vector<message_ptr> fed;
    std::unique_ptr<pg_store> db;

    node() : db(std::make_unique<pg_store>(test::pg_url(), 1)) {
        db->attach_shard(0, shard.make_poster(), [this](feed_batch b) {
            for (const auto& e : *b)
                fed.push_back(e.entry);
        });
    }
    template <class R, class F> R wait(F start) {
        std::optional<R> out;
        start([&](R r) { out = std::move(r); });
        REQUIRE(shard.run_until([&] { return out.has_value(); }));
        return *out;
    }
    append_result send(const std::string& from, const std::string& conv,
                       const std::string& client_id = {}) {
        return wait<append_result>([&](auto cb) {
            db->append(0, {conv, from, "msg", R"("x")", client_id, 0}, cb);
        });
    }
};

// The distinct seqs a node's feed delivered for `conv`.
std::set<std::uint64_t> fed_seqs(const node& n, const std::string& conv) {
    std::set<std::uint64_t> out;
    for (const auto& m : n.fed)
        if (m->conversation == conv)
            out.insert(m->seq);
    return out;
}

} // namespace

TEST_SUITE("pg store") {
    TEST_CASE(
        "feed notifications: ranges round-trip, split under the size limit, bad text refused") {
        std::vector<committed_range> ranges = {{"d:a:b", 1, 3},
                                               {"g:with space\nand newline", 7, 7}};
        auto payloads = feed_payloads("n1", ranges);
        REQUIRE(payloads.size() == 1);
        std::string node;
        std::vector<committed_range> back;
        REQUIRE(parse_feed_payload(payloads[0], node, back));
        CHECK(node == "n1");
        REQUIRE(back.size() == 2);
        CHECK(back[1].conversation == "g:with space\nand newline");
        CHECK((back[0].first == 1 && back[0].last == 3 && back[1].first == 7));

        std::vector<committed_range> many;
        for (int i = 0; i < 1000; ++i)
            many.push_back({"g:" + std::string(20, 'x') + std::to_string(i), 1, 2});
        many.push_back({std::string(9000, 'y'), 1, 1}); // can never fit: left out
        auto split = feed_payloads("n1", many);
        CHECK(split.size() > 1);
        std::size_t total = 0;
        for (const auto& p : split) {
            CHECK(p.size() < 8000);
            REQUIRE(parse_feed_payload(p, node, back));
            total += back.size();
        }
        CHECK(total == 1000);
        CHECK(feed_payloads("n1", {}).empty());

        for (const char* bad : {"", "n1", "\n1 1 1 a\n", "n1\n1 1 5 a\n", "n1\n0 1 1 a\n",
                                "n1\n3 2 1 a\n", "n1\nx 1 1 a\n", "n1\n1 1 1 ab"})
            CHECK_FALSE(parse_feed_payload(bad, node, back));
    }

    TEST_CASE("two nodes append to one conversation at once: one gap-free sequence, both fed all" *
              doctest::skip(no_server)) {
        test::start_empty();
        node one, two;
        auto conv = direct_id("alice", "bob");
        constexpr int each = 200;
        std::vector<std::uint64_t> seqs_one, seqs_two;
        bool all_ok = true;
        for (int i = 0; i < each; ++i) {
            one.db->append(0, {conv, "alice", "msg", "1", "a" + std::to_string(i), 0},
                           [&](append_result r) {
                               all_ok = all_ok && r.code == status::ok && !r.duplicate;
                               seqs_one.push_back(r.stored ? r.stored->seq : 0);
                           });
            two.db->append(0, {conv, "bob", "msg", "2", "b" + std::to_string(i), 0},
                           [&](append_result r) {
                               all_ok = all_ok && r.code == status::ok && !r.duplicate;
                               seqs_two.push_back(r.stored ? r.stored->seq : 0);
                           });
        }
        // Each node sees its own entries and, through the other's notifications, the rest.
        REQUIRE(one.shard.run_until(
            [&] { return seqs_one.size() == each && fed_seqs(one, conv).size() == 2 * each; }));
        REQUIRE(two.shard.run_until(
            [&] { return seqs_two.size() == each && fed_seqs(two, conv).size() == 2 * each; }));
        CHECK(all_ok);
        CHECK(std::is_sorted(seqs_one.begin(), seqs_one.end())); // acks in commit order
        std::set<std::uint64_t> all(seqs_one.begin(), seqs_one.end());
        all.insert(seqs_two.begin(), seqs_two.end());
        CHECK(all.size() == 2 * each);
        CHECK(*all.begin() == 1);
        CHECK(*all.rbegin() == 2 * each);
        CHECK(one.fed.size() == 2 * each); // nothing twice: a node skips its own notifications
        CHECK(two.fed.size() == 2 * each);

        // The stored history is the same sequence, read from either node.
        auto page = two.wait<read_result>([&](auto cb) {
            two.db->read(0, {conv, "alice", 0, 0, 1000}, cb);
        });
        REQUIRE(page.entries.size() == 2 * each);
        for (std::size_t i = 0; i < page.entries.size(); ++i)
            CHECK(page.entries[i]->seq == i + 1);
        // A client id repeated on the other node is the same entry.
        auto again = two.send("alice", conv, "a7");
        CHECK(again.duplicate);
        CHECK(again.stored->seq == seqs_one[7]);
    }

    TEST_CASE("a lost connection fails calls with io_error, never hangs, and is reopened" *
              doctest::skip(no_server)) {
        test::start_empty();
        node n;
        auto conv = direct_id("alice", "bob");
        REQUIRE(n.send("alice", conv, "first").code == status::ok);
        {
            pg_connection admin(test::pg_url());
            auto killed = admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE application_name = 'imedge' AND pid <> "
                                     "pg_backend_pid()");
            REQUIRE(killed.rows() == 3); // the writer, the reader and the feed listener
            // Termination is asynchronous: wait until the server has ended all three.
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            while (admin
                       .exec("SELECT 1 FROM pg_stat_activity WHERE application_name = 'imedge' "
                             "AND pid <> pg_backend_pid()")
                       .rows() > 0)
                REQUIRE(std::chrono::steady_clock::now() < deadline);
        }
        // The first write finds the connection gone; later ones go through a new one.
        auto failed = n.send("alice", conv, "second");
        CHECK(failed.code == status::io_error);
        auto read_failed = n.wait<read_result>([&](auto cb) {
            n.db->read(0, {conv, "alice", 0, 0, 10}, cb);
        });
        CHECK(read_failed.code == status::io_error);
        std::optional<append_result> ok;
        for (int i = 0; i < 100 && !(ok && ok->code == status::ok); ++i)
            ok = n.send("alice", conv, "second"); // the client's retry, with its client id
        REQUIRE(ok);
        CHECK(ok->code == status::ok);
        CHECK(ok->stored->seq == 2);
        auto page = n.wait<read_result>([&](auto cb) {
            n.db->read(0, {conv, "alice", 0, 0, 10}, cb);
        });
        CHECK(page.code == status::ok);
        CHECK(page.entries.size() == 2);
    }

    TEST_CASE("a server that cannot be reached fails the start, at once") {
        // Port 1 on loopback: refused.
        CHECK_THROWS_AS(pg_store("postgresql://postgres@127.0.0.1:1/imedge", 1), pg_failure);
    }
}
