// The Idempotency-Key memory: replay, in progress, mismatch, the window and the bound.
#include "push/http_api_idempotency.hpp"

#include <doctest.h>

#include <string>

using namespace imedge::push;
using verdict = idempotency_cache::verdict;
using namespace std::chrono_literals;

TEST_SUITE("push") {
    TEST_CASE("idempotency: the first answer is replayed; another request is refused") {
        idempotency_cache cache(10, 60s);
        auto t = idempotency_cache::clock::time_point{} + 1h;
        auto f = fingerprint_of("/api/v1/emit", "{}");
        CHECK(cache.begin("k", f, t).v == verdict::fresh);
        CHECK(cache.begin("k", f, t).v == verdict::in_progress);
        cache.finish("k", {200, "first"});
        auto again = cache.begin("k", f, t + 1s);
        CHECK(again.v == verdict::replay);
        CHECK(again.answer.status == 200);
        CHECK(again.answer.body == "first");
        CHECK(cache.begin("k", fingerprint_of("/api/v1/emit", "{ }"), t).v == verdict::mismatch);
        CHECK(cache.begin("k", fingerprint_of("/api/v1/batch", "{}"), t).v == verdict::mismatch);
        CHECK(cache.begin("other", f, t).v == verdict::fresh);
    }

    TEST_CASE("idempotency: a forgotten key applies again; an expired one too") {
        idempotency_cache cache(10, 60s);
        auto t = idempotency_cache::clock::time_point{} + 1h;
        CHECK(cache.begin("k", 1, t).v == verdict::fresh);
        cache.forget("k");
        CHECK(cache.begin("k", 1, t).v == verdict::fresh);
        cache.finish("k", {200, "x"});
        CHECK(cache.begin("k", 1, t + 59s).v == verdict::replay);
        CHECK(cache.begin("k", 1, t + 60s).v == verdict::fresh);
        CHECK(cache.size() == 1);
    }

    TEST_CASE("idempotency: bounded, the oldest key forgotten first") {
        idempotency_cache cache(3, 60s);
        auto t = idempotency_cache::clock::time_point{} + 1h;
        for (int i = 0; i < 3; ++i) {
            CHECK(cache.begin(std::to_string(i), 1, t).v == verdict::fresh);
            cache.finish(std::to_string(i), {200, std::to_string(i)});
        }
        CHECK(cache.begin("3", 1, t).v == verdict::fresh);
        CHECK(cache.size() == 3);
        CHECK(cache.begin("0", 1, t).v == verdict::fresh); // forgotten: "0" was the oldest
        CHECK(cache.begin("2", 1, t).v == verdict::replay);
        // Many forgets behind a live key keep the bookkeeping bounded too.
        for (int i = 0; i < 1000; ++i) {
            CHECK(cache.begin("churn", 1, t).v == verdict::fresh);
            cache.forget("churn");
        }
        CHECK(cache.size() <= 3);
        CHECK(cache.begin("0", 1, t).v == verdict::in_progress); // "0" is still there
        CHECK(cache.begin("2", 1, t).v == verdict::fresh);       // the first churn evicted it
    }

    TEST_CASE("idempotency: fingerprints separate route and body") {
        CHECK(fingerprint_of("ab", "c") != fingerprint_of("a", "bc"));
        CHECK(fingerprint_of("a", "b") == fingerprint_of("a", "b"));
    }
}
