// Unit tests for webhook/'s sans-IO half: UTF-8-safe truncation (every cut of multi-byte text),
// previews, the body, the HMAC (RFC 4231 vector), backoff bounds, the bounded retry queue driven
// with hand-made time, and the flags and URL.
#include "webhook/delivery_queue.hpp"
#include "webhook/payload.hpp"
#include "webhook/retry_policy.hpp"
#include "webhook/signature.hpp"
#include "webhook/webhook_options.hpp"

#include "protocol/json_text.hpp"

#include <doctest.h>

#include <simdjson.h>

#include <string>
#include <vector>

using namespace imedge::webhook;
using namespace std::chrono_literals;

namespace {

bool valid_utf8(std::string_view s) {
    simdjson::dom::parser p;
    std::string doc = imedge::protocol::json_string(s);
    return p.parse(doc).error() == simdjson::SUCCESS; // simdjson validates UTF-8
}

imedge::store::message_ptr entry(std::string body, std::string kind = "msg") {
    auto m = std::make_shared<imedge::store::message>();
    m->conversation = "d:alice:bob";
    m->seq = 7;
    m->ts_ms = 1700000000123;
    m->sender = "alice";
    m->kind = std::move(kind);
    m->body_json = std::move(body);
    return m;
}

delivery_job job(std::string id) {
    delivery_job j;
    j.id = std::move(id);
    return j;
}

std::vector<const char*> args(std::initializer_list<const char*> a) {
    std::vector<const char*> out{"imedge"};
    out.insert(out.end(), a);
    return out;
}

} // namespace

TEST_SUITE("webhook") {
    TEST_CASE("truncate_utf8 never splits a character, at every cut") {
        // 1-, 2-, 3- and 4-byte characters: "a", "é", "€", "😀".
        const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
        for (std::size_t max = 0; max <= text.size() + 1; ++max) {
            auto cut = truncate_utf8(text, max);
            CAPTURE(max);
            CHECK(cut.size() <= max);
            CHECK(text.starts_with(cut));
            CHECK(valid_utf8(cut));
            // The longest such prefix: one more character would not fit.
            if (cut.size() < text.size()) {
                auto next = cut.size() + 1;
                while (next < text.size() &&
                       (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80)
                    ++next;
                CHECK(next > max);
            }
        }
        CHECK(truncate_utf8("abc", 3) == "abc");
        CHECK(truncate_utf8("\xE2\x82\xAC", 2).empty());
    }

    TEST_CASE("previews: a string body, an object's text, else compact JSON; nothing for delete") {
        simdjson::dom::parser p;
        CHECK(make_preview("msg", R"("hello")", 100, p).text == "hello");
        CHECK(make_preview("msg", R"({"text":"hi there","x":1})", 100, p).text == "hi there");
        CHECK(make_preview("msg", R"({"img":"a.png"})", 100, p).text == R"({"img":"a.png"})");
        CHECK(make_preview("msg", "[1, 2]", 100, p).text == "[1,2]");
        CHECK(make_preview("edit", R"("fixed")", 100, p).text == "fixed");
        CHECK(make_preview("delete", "null", 100, p).text.empty());
        CHECK(make_preview("msg", "{broken", 100, p).text.empty());
        auto cut = make_preview("msg", "\"\xE2\x82\xAC\xE2\x82\xAC\"", 4, p);
        CHECK(cut.text == "\xE2\x82\xAC");
        CHECK(cut.truncated);
        CHECK_FALSE(make_preview("msg", R"("abcd")", 4, p).truncated);
    }

    TEST_CASE("the body names the recipient, the entry, the preview and the badge") {
        simdjson::dom::parser p;
        push_notice n{entry(R"({"text":"say \"hi\"\n"})"), "bob", 3};
        auto body = payload_json(n, "id-1", 120, p);
        simdjson::dom::element doc;
        REQUIRE(p.parse(body).get(doc) == simdjson::SUCCESS);
        CHECK(std::string_view(doc["type"]) == "message");
        CHECK(std::string_view(doc["id"]) == "id-1");
        CHECK(std::string_view(doc["recipient"]) == "bob");
        CHECK(std::string_view(doc["conversation"]) == "d:alice:bob");
        CHECK(std::uint64_t(doc["seq"]) == 7);
        CHECK(std::int64_t(doc["ts"]) == 1700000000123);
        CHECK(std::string_view(doc["sender"]) == "alice");
        CHECK(std::string_view(doc["kind"]) == "msg");
        CHECK(std::string_view(doc["preview"]) == "say \"hi\"\n");
        CHECK_FALSE(bool(doc["truncated"]));
        CHECK(std::uint64_t(doc["badge"]) == 3);
        CHECK(doc["ref"].error() == simdjson::NO_SUCH_FIELD);

        auto edit = entry(R"("new")", "edit");
        std::const_pointer_cast<imedge::store::message>(edit)->ref = 5;
        REQUIRE(p.parse(payload_json({edit, "bob", 1}, "id-2", 120, p)).get(doc) ==
                simdjson::SUCCESS);
        CHECK(std::uint64_t(doc["ref"]) == 5);
    }

    TEST_CASE("HMAC-SHA256: RFC 4231 test case 2, and the signed text is timestamp.body") {
        CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        CHECK(sign_body("k", 1700000000, R"({"a":1})") ==
              "sha256=1b6ad1bc9bf48c52ce01939866d5877c6cc4e87ddad27e16673cb8c4964394a3");
        CHECK(sign_body("k", 1700000001, R"({"a":1})") != sign_body("k", 1700000000, R"({"a":1})"));
        CHECK(sign_body("k2", 1700000000, R"({"a":1})") !=
              sign_body("k", 1700000000, R"({"a":1})"));
    }

    TEST_CASE("backoff doubles to the cap; jitter keeps it in [d/2, d); Retry-After raises it") {
        retry_policy p{5, 100ms, 1000ms};
        CHECK(backoff_delay(p, 1, 0.0) == 50ms);
        CHECK(backoff_delay(p, 1, 0.999) == 99ms);
        CHECK(backoff_delay(p, 2, 0.0) == 100ms);
        CHECK(backoff_delay(p, 3, 0.0) == 200ms);
        CHECK(backoff_delay(p, 4, 0.0) == 400ms);
        CHECK(backoff_delay(p, 5, 0.0) == 500ms); // 1600 capped to 1000 -> [500, 1000)
        CHECK(backoff_delay(p, 6, 0.0) == 500ms);
        CHECK(backoff_delay(p, 60, 0.999) <= 1000ms);
        CHECK(backoff_delay(p, 1, 0.0, 300ms) == 300ms);
        CHECK(backoff_delay(p, 1, 0.0, 60000ms) == 1000ms);
        for (double u : {0.0, 0.25, 0.5, 0.75, 0.999})
            for (std::uint32_t r = 1; r < 10; ++r) {
                auto d = backoff_delay(p, r, u);
                CHECK(d >= 50ms);
                CHECK(d <= 1000ms);
            }
        CHECK(is_success(200));
        CHECK(is_success(204));
        CHECK_FALSE(is_success(199));
        CHECK_FALSE(is_success(301));
        CHECK_FALSE(is_success(500));
        CHECK_FALSE(is_success(0));
    }

    TEST_CASE("the queue: capacity counts every held job; FIFO; retries wait; retries run out") {
        delivery_queue q(2, {2, 100ms, 1000ms});
        steady_clock::time_point t0{};
        CHECK(q.push(job("a")) == admission::accepted);
        CHECK(q.push(job("b")) == admission::accepted);
        CHECK(q.push(job("c")) == admission::queue_full);

        auto a = q.take(t0);
        REQUIRE(a);
        CHECK(a->id == "a");
        CHECK(q.held() == 2); // in flight still counts
        CHECK(q.push(job("c")) == admission::queue_full);

        // a fails: it backs off for [50, 100) ms and stays held.
        CHECK(q.finish(std::move(*a), {false, {}}, t0, 0.0) == verdict::retry_scheduled);
        CHECK(q.held() == 2);
        REQUIRE(q.next_due());
        CHECK(*q.next_due() == t0 + 50ms);
        auto b = q.take(t0);
        REQUIRE(b);
        CHECK(b->id == "b");
        CHECK_FALSE(q.take(t0 + 49ms)); // a is not due yet
        CHECK(q.finish(std::move(*b), {true, {}}, t0, 0.0) == verdict::delivered);
        CHECK(q.held() == 1);
        CHECK(q.push(job("c")) == admission::accepted);

        // a is due: it joins the line behind c, which was ready first.
        auto c = q.take(t0 + 50ms);
        REQUIRE(c);
        CHECK(c->id == "c");
        auto a2 = q.take(t0 + 50ms);
        REQUIRE(a2);
        CHECK(a2->id == "a");
        CHECK(a2->attempts == 1);
        CHECK(q.finish(std::move(*a2), {false, {}}, t0 + 50ms, 0.0) == verdict::retry_scheduled);
        auto a3 = q.take(t0 + 10s);
        REQUIRE(a3);
        CHECK(a3->attempts == 2);
        // The first try and 2 retries are spent: dropped.
        CHECK(q.finish(std::move(*a3), {false, {}}, t0 + 10s, 0.0) == verdict::retries_exhausted);
        CHECK(q.held() == 1); // c, in flight
        CHECK(q.clear() == 0);
        CHECK(q.finish(std::move(*c), {true, {}}, t0 + 10s, 0.0) == verdict::delivered);
        CHECK(q.held() == 0);
    }

    TEST_CASE("clear() empties what waits and what backs off, not what is in flight") {
        delivery_queue q(10, {3, 100ms, 1000ms});
        steady_clock::time_point t0{};
        for (const char* id : {"a", "b", "c"})
            REQUIRE(q.push(job(id)) == admission::accepted);
        auto a = q.take(t0);
        auto b = q.take(t0);
        REQUIRE((a && b));
        q.finish(std::move(*b), {false, {}}, t0, 0.5);
        CHECK(q.clear() == 2); // c waiting, b backing off
        CHECK(q.held() == 1);
        q.finish(std::move(*a), {true, {}}, t0, 0.5);
        CHECK(q.held() == 0);
    }

    TEST_CASE("the webhook URL: http only, host, port, target, no user info") {
        auto ok = [](std::string_view u) { return std::get<webhook_url>(parse_webhook_url(u)); };
        auto bad = [](std::string_view u) {
            return std::holds_alternative<std::string>(parse_webhook_url(u));
        };
        auto a = ok("http://127.0.0.1:8081/hooks/push?k=v");
        CHECK(a.host == "127.0.0.1");
        CHECK(a.port == 8081);
        CHECK(a.target == "/hooks/push?k=v");
        CHECK(a.host_header == "127.0.0.1:8081");
        auto b = ok("http://gateway.internal");
        CHECK(b.port == 80);
        CHECK(b.target == "/");
        auto c = ok("http://[::1]:9000/x");
        CHECK(c.host == "::1");
        CHECK(c.host_header == "[::1]:9000");
        CHECK(std::get<std::string>(parse_webhook_url("https://x/")).find("not supported") !=
              std::string::npos);
        CHECK(bad("ftp://x/"));
        CHECK(bad("http://user:pw@x/"));
        CHECK(bad("http://x:99999/"));
        CHECK(bad("http:///path"));
        CHECK(bad("http://x/#frag"));
        CHECK(bad("not a url"));
    }

    TEST_CASE("the flags are taken out of argv; a URL needs a secret") {
        auto a =
            args({"--port", "0", "--push-webhook", "http://127.0.0.1:1/h", "--push-webhook-secret",
                  "s", "--push-webhook-queue", "7", "--push-webhook-retries", "2",
                  "--push-webhook-backoff-ms", "10", "--jwt-secret", "j"});
        auto split = take_webhook_options(static_cast<int>(a.size()), a.data());
        auto& s = std::get<split_args>(split);
        CHECK(s.rest == std::vector<std::string>{"imedge", "--port", "0", "--jwt-secret", "j"});
        REQUIRE(s.options.url);
        CHECK(s.options.url->port == 1);
        CHECK(s.options.secret == "s");
        CHECK(s.options.queue == 7);
        CHECK(s.options.retries == 2);
        CHECK(s.options.backoff == 10ms);
        CHECK(s.options.max_backoff == 30000ms);

        auto no_secret = args({"--push-webhook", "http://127.0.0.1:1/h"});
        CHECK(std::holds_alternative<std::string>(
            take_webhook_options(static_cast<int>(no_secret.size()), no_secret.data())));
        auto zero_queue = args({"--push-webhook-queue", "0"});
        CHECK(std::holds_alternative<std::string>(
            take_webhook_options(static_cast<int>(zero_queue.size()), zero_queue.data())));
        auto unknown = args({"--push-webhook-colour", "red"});
        CHECK(std::holds_alternative<std::string>(
            take_webhook_options(static_cast<int>(unknown.size()), unknown.data())));
        auto none = args({"--port", "0"});
        auto plain = take_webhook_options(static_cast<int>(none.size()), none.data());
        CHECK_FALSE(std::get<split_args>(plain).options.url);
    }
}
