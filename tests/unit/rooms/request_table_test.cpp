// Cross-shard request/reply over the real rings, with time as a value (a fake clock): replies
// before and after the deadline, N of M replies, replies out of order, cancel.
#include "rooms/mesh.hpp"
#include "rooms/request_table.hpp"

#include <doctest.h>

#include <algorithm>
#include <string>
#include <variant>

using namespace imedge::rooms;
using namespace std::chrono_literals;

namespace {

struct question {
    request_header header;
    int value;
};
struct answer {
    request_id request;
    std::string text;
};
using message = std::variant<question, answer>;

// Four "shards" on one thread: shard 0 asks, every shard may answer. Nothing moves until a test
// drains a shard's rings, so a test decides who answers and when.
struct cluster {
    static constexpr std::size_t shards = 4;
    mesh<message> rings{shards, 16};
    request_table<std::string> table; // shard 0's
    request_clock::time_point now{};  // the fake clock

    cluster() {
        rings.set_callbacks([](std::size_t) {}, [](std::size_t) {});
    }

    request_id ask(std::size_t to, std::size_t expected, std::chrono::milliseconds timeout,
                   request_table<std::string>::completion done) {
        auto id = table.open(expected, now + timeout, std::move(done));
        rings.send(0, to, question{{0, id}, static_cast<int>(to)});
        return id;
    }

    // Shard `s` answers every question waiting for it with "<s>:<value>".
    void answer_on(std::size_t s) {
        rings.drain(s, [&](std::size_t, message&& m) {
            auto& q = std::get<question>(m);
            rings.send(s, q.header.origin,
                       answer{q.header.id, std::to_string(s) + ":" + std::to_string(q.value)});
        });
    }

    // Shard 0 hands every reply waiting in its rings to its table.
    void collect() {
        rings.drain(0, [&](std::size_t, message&& m) {
            auto& a = std::get<answer>(m);
            table.deliver(a.request, std::move(a.text));
        });
    }
};

} // namespace

TEST_SUITE("rooms") {

    TEST_CASE("requests: a reply before the deadline completes the request once") {
        cluster c;
        int calls = 0;
        request_result<std::string> got;
        c.ask(2, 1, 100ms, [&](auto r) {
            ++calls;
            got = std::move(r);
        });
        CHECK(c.table.next_deadline() == c.now + 100ms);
        c.now += 99ms;
        c.answer_on(2);
        c.collect();
        CHECK(calls == 1);
        CHECK(got.complete());
        CHECK(got.replies == std::vector<std::string>{"2:2"});
        c.now += 10s;
        CHECK(c.table.expire(c.now) == 0); // nothing left to time out
        CHECK(calls == 1);
        CHECK(c.table.size() == 0);
        CHECK_FALSE(c.table.next_deadline());
        CHECK(c.table.stats().completed == 1);
    }

    TEST_CASE("requests: the deadline answers first; the late reply is dropped and counted") {
        cluster c;
        int calls = 0;
        request_result<std::string> got;
        c.ask(1, 1, 50ms, [&](auto r) {
            ++calls;
            got = std::move(r);
        });
        c.now += 49ms;
        CHECK(c.table.expire(c.now) == 0);
        CHECK(calls == 0);
        c.now += 1ms; // exactly at the deadline
        CHECK(c.table.expire(c.now) == 1);
        CHECK(calls == 1);
        CHECK_FALSE(got.complete());
        CHECK(got.replies.empty());
        c.answer_on(1); // the owner answers after all
        c.collect();
        CHECK(calls == 1);
        CHECK(c.table.stats().expired == 1);
        CHECK(c.table.stats().dropped_replies == 1);
    }

    TEST_CASE("requests: N of M replies are delivered when the deadline passes") {
        cluster c;
        int calls = 0;
        request_result<std::string> got;
        auto id = c.table.open(3, c.now + 200ms, [&](auto r) {
            ++calls;
            got = std::move(r);
        });
        for (std::size_t s = 1; s < cluster::shards; ++s)
            c.rings.send(0, s, question{{0, id}, 7});
        c.answer_on(3);
        c.answer_on(1);
        c.collect();
        CHECK(calls == 0); // two of three: still waiting
        c.now += 200ms;
        c.table.expire(c.now);
        CHECK(calls == 1);
        CHECK(got.expected == 3);
        CHECK(got.replies.size() == 2);
        CHECK_FALSE(got.complete());
        c.answer_on(2); // the straggler
        c.collect();
        CHECK(calls == 1);
        CHECK(c.table.stats().dropped_replies == 1);
    }

    TEST_CASE("requests: all M replies complete a fetch-all before its deadline") {
        cluster c;
        request_result<std::string> got;
        auto id = c.table.open(3, c.now + 200ms, [&](auto r) { got = std::move(r); });
        for (std::size_t s = 1; s < cluster::shards; ++s)
            c.rings.send(0, s, question{{0, id}, 1});
        for (std::size_t s : {2u, 3u, 1u})
            c.answer_on(s);
        c.collect();
        CHECK(got.complete());
        std::sort(got.replies.begin(), got.replies.end());
        CHECK(got.replies == std::vector<std::string>{"1:1", "2:1", "3:1"});
        CHECK(c.table.size() == 0);
    }

    TEST_CASE("requests: replies out of order reach their own request") {
        cluster c;
        std::string a_got, b_got;
        c.ask(1, 1, 1s, [&](auto r) { a_got = r.replies.at(0); });
        c.ask(2, 1, 1s, [&](auto r) { b_got = r.replies.at(0); });
        c.answer_on(2); // the second request is answered first
        c.collect();
        CHECK(a_got.empty());
        CHECK(b_got == "2:2");
        c.answer_on(1);
        c.collect();
        CHECK(a_got == "1:1");
    }

    TEST_CASE("requests: deadlines expire in their own order, whatever the opening order") {
        cluster c;
        std::vector<int> order;
        c.ask(1, 1, 300ms, [&](auto) { order.push_back(300); });
        c.ask(2, 1, 100ms, [&](auto) { order.push_back(100); });
        c.ask(3, 1, 200ms, [&](auto) { order.push_back(200); });
        CHECK(c.table.next_deadline() == c.now + 100ms);
        CHECK(c.table.expire(c.now + 250ms) == 2);
        CHECK(order == std::vector<int>{100, 200});
        CHECK(c.table.next_deadline() == c.now + 300ms);
        CHECK(c.table.expire(c.now + 300ms) == 1);
        CHECK(order == std::vector<int>{100, 200, 300});
    }

    TEST_CASE("requests: a cancelled request never completes; its reply is dropped") {
        cluster c;
        int calls = 0;
        auto id = c.ask(1, 1, 100ms, [&](auto) { ++calls; });
        c.table.cancel(id);
        c.answer_on(1);
        c.collect();
        c.table.expire(c.now + 1s);
        CHECK(calls == 0);
        CHECK(c.table.stats().cancelled == 1);
        CHECK(c.table.stats().dropped_replies == 1);
        CHECK_FALSE(c.table.next_deadline());
    }

    TEST_CASE("requests: nothing expected completes at once; a completion may open a request") {
        cluster c;
        int empty_calls = 0;
        c.table.open(0, c.now + 1s,
                     [&](auto r) { empty_calls += r.complete() && r.replies.empty(); });
        CHECK(empty_calls == 1);
        CHECK(c.table.size() == 0);

        std::string second;
        c.ask(1, 1, 1s, [&](auto) { c.ask(2, 1, 1s, [&](auto r) { second = r.replies.at(0); }); });
        c.answer_on(1);
        c.collect(); // completes the first, which opens the second from inside its completion
        CHECK(c.table.size() == 1);
        c.answer_on(2);
        c.collect();
        CHECK(second == "2:2");
    }
}
