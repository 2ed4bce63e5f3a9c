// The IM service's revocation hook (im::disconnect_user) on 4 real shards: every device of the
// user, wherever it landed, is told why and disconnected; other users stay connected.
#include "fixture.hpp"
#include "test_client.hpp"

#include "im/im_app.hpp"
#include "store/sqlite_store.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <set>

using namespace imedge::testing;
namespace im = imedge::im;
namespace store = imedge::store;

namespace {

struct scratch_dir {
    std::filesystem::path path;
    scratch_dir() {
        std::random_device r;
        path = std::filesystem::temp_directory_path() /
               ("imedge-im-component-" + std::to_string(r()) + std::to_string(r()));
        std::filesystem::create_directories(path);
    }
    ~scratch_dir() { std::filesystem::remove_all(path); }
};

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

TEST_SUITE("component") {
    TEST_CASE("im: disconnect_user tells and disconnects every device of the user on every "
              "shard, and no one else") {
        constexpr std::size_t shards = 4;
        scratch_dir dir;
        im::im_options o;
        o.jwt.key = "a component-test secret";
        o.data_dir = dir.path.string();
        auto db = std::make_unique<store::sqlite_store>(o.data_dir, store::durability::os, shards);
        auto* raw_db = db.get();
        im::im_runtime rt(o, std::move(db));
        imedge::server::app a(test_options(shards));
        im::register_im(a, rt);
        auto running = a.start();
        auto auth = [&](std::string_view user) {
            return R"({"token":")" + im::mint_token(rt.options.jwt, user, unix_now(), 600) + "\"}";
        };

        std::vector<std::unique_ptr<ws_client>> ursula;
        std::set<std::size_t> used;
        for (int i = 0; i < 8; ++i) {
            ursula.push_back(std::make_unique<ws_client>(running->port()));
            used.insert(shard_of(ursula.back()->connect_namespace(auth("ursula"))));
        }
        // The kernel spreads connections over the shards' listeners: 8 on one of 4 shards
        // would be a 1-in-16384 chance.
        REQUIRE(used.size() >= 2);
        ws_client victor(running->port());
        victor.connect_namespace(auth("victor"));

        std::promise<std::size_t> counted;
        im::disconnect_user(*running, rt, "ursula", "account closed",
                            [&](std::size_t n) { counted.set_value(n); });
        auto count = counted.get_future();
        REQUIRE(count.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        CHECK(count.get() == 8);
        for (auto& device : ursula) {
            CHECK(device->read_until("42") == R"(42["auth.revoked",{"reason":"account closed"}])");
            CHECK(device->read_until("41") == "41");
        }

        // Victor's socket still answers (an acked request), and revoking a user with no device
        // counts none.
        victor.emit("conversations", "{}", 7);
        auto answer = victor.read_until("437");
        REQUIRE(answer);
        CHECK(answer->starts_with(R"(437[{"ok":true)"));
        std::promise<std::size_t> none;
        im::disconnect_user(*running, rt, "nobody", "x", [&](std::size_t n) { none.set_value(n); });
        auto zero = none.get_future();
        REQUIRE(zero.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        CHECK(zero.get() == 0);

        raw_db->stop(); // as imedge does: the store finishes before the shards go
        running->stop();
    }
}
