// The imedge binary: the IM service (docs/im-protocol.md) on the handler API, with the push
// HTTP API, the push webhook, and the backend pushes and clusters of push/ (push::run_with_push).
//   imedge [server options] [IM options] [API options] [push options]   serve
//   imedge token USER [--ttl S] [IM options]  print a token for USER
#include "server/api/app.hpp"

#include "im/im_app.hpp"
#include "push/http_api_service.hpp"
#include "push/run.hpp"
#include "store/pg_feed.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "webhook/push_webhook.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace imedge;

namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// With no key configured, a development secret is kept in the data directory, so restarts and
// `imedge token` agree on it.
bool load_development_secret(im::im_options& o) {
    namespace fs = std::filesystem;
    if (!o.development_secret)
        return true;
    std::error_code ec;
    fs::create_directories(o.data_dir, ec);
    auto path = fs::path(o.data_dir) / "dev-jwt-secret";
    if (std::ifstream in(path); in) {
        std::string existing;
        std::getline(in, existing);
        if (!existing.empty()) {
            o.jwt.key = existing;
            return true;
        }
    }
    std::ofstream out(path, std::ios::trunc);
    out << o.jwt.key << '\n';
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, ec);
    return static_cast<bool>(out);
}

im::im_options parse_or_exit(int argc, const char* const* argv, std::vector<std::string>& rest) {
    auto parsed = im::parse_im_options(argc, argv);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        fmt::print(stderr, "{}", *error);
        std::exit(2);
    }
    auto& split = std::get<im::split_args>(parsed);
    rest = std::move(split.rest);
    if (!load_development_secret(split.options)) {
        fmt::print(stderr, "imedge: cannot write the development secret under {}\n",
                   split.options.data_dir);
        std::exit(1);
    }
    return std::move(split.options);
}

int print_token(int argc, char** argv) {
    if (argc < 3) {
        fmt::print(stderr, "usage: imedge token USER [--ttl SECONDS] [IM options]\n");
        return 2;
    }
    std::vector<const char*> args{argv[0]};
    for (int i = 3; i < argc; ++i)
        args.push_back(argv[i]);
    std::vector<std::string> rest;
    auto o = parse_or_exit(static_cast<int>(args.size()), args.data(), rest);
    if (rest.size() > 1) {
        fmt::print(stderr, "imedge token: unexpected option {}\n", rest[1]);
        return 2;
    }
    auto token = im::mint_token(o.jwt, argv[2], unix_now(), o.token_ttl_s);
    if (token.empty()) {
        fmt::print(
            stderr,
            "imedge token: cannot sign {} tokens without a private key (--jwt-private-key)\n",
            o.jwt.algorithm);
        return 1;
    }
    fmt::print("{}\n", token);
    return 0;
}

int run(int argc, char** argv) {
    if (argc >= 2 && std::string_view(argv[1]) == "token")
        return print_token(argc, argv);
    if (argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h"))
        fmt::print("{}{}{}{}", im::im_usage(), webhook::webhook_usage(), push::api_usage(),
                   push::push_usage());

    auto push_split = push::take_push_options(argc, argv);
    if (auto* error = std::get_if<std::string>(&push_split)) {
        fmt::print(stderr, "imedge: {}\n", *error);
        return 2;
    }
    auto& push_args = std::get<push::split_args>(push_split); // rest ends with a nullptr
    auto hook_split = webhook::take_webhook_options(static_cast<int>(push_args.rest.size()) - 1,
                                                    push_args.rest.data());
    if (auto* error = std::get_if<std::string>(&hook_split)) {
        fmt::print(stderr, "{}", *error);
        return 2;
    }
    auto& hook_options = std::get<webhook::split_args>(hook_split).options;
    std::vector<const char*> im_argv;
    for (const auto& a : std::get<webhook::split_args>(hook_split).rest)
        im_argv.push_back(a.c_str());
    std::vector<std::string> rest;
    auto options = parse_or_exit(static_cast<int>(im_argv.size()), im_argv.data(), rest);
    push::api_options api_options;
    if (auto error = push::take_api_options(rest, api_options)) {
        fmt::print(stderr, "imedge: {}\n", *error);
        return 2;
    }
    std::vector<char*> server_argv;
    server_argv.reserve(rest.size());
    for (auto& a : rest)
        server_argv.push_back(a.data());
    server::server_options server_defaults;
    server_defaults.web_root = IMEDGE_WEB_ROOT; // the chat page (meson: the source tree's web/)
    auto server = server::app::from_args(static_cast<int>(server_argv.size()), server_argv.data(),
                                         server_defaults);

    // SQLite under --data-dir by default; with --postgres, the database the nodes share.
    std::unique_ptr<store::store> db;
    try {
        if (options.postgres_url.empty())
            db = std::make_unique<store::sqlite_store>(options.data_dir, options.durability,
                                                       server.options().shards);
        else
            db = std::make_unique<store::pg_store>(options.postgres_url, server.options().shards);
    } catch (const std::exception& e) {
        fmt::print(stderr, "imedge: cannot open the store in {}: {}\n",
                   options.postgres_url.empty() ? options.data_dir : "PostgreSQL", e.what());
        return 1;
    }
    if (!options.postgres_url.empty())
        fmt::print("imedge: store: PostgreSQL (shared; the committed feed over LISTEN {})\n",
                   store::feed_channel);
    auto* store = db.get();
    // The push hand-off: the store's writer hands it what was stored for offline members.
    std::unique_ptr<webhook::push_webhook> hook;
    if (hook_options.url) {
        fmt::print("imedge: push webhook: POST http://{}{} (plain HTTP, signed)\n",
                   hook_options.url->host_header, hook_options.url->target);
        hook = std::make_unique<webhook::push_webhook>(hook_options);
        store->set_offline_sink(
            [h = hook.get()](imedge::store::offline_batch b) { h->submit(std::move(b)); });
        server.add_health_fields(
            [h = hook.get()] { return "\"push_webhook\":" + webhook::counts_json(h->counts()); });
    }
    im::im_runtime runtime(std::move(options), std::move(db));
    im::register_im(server, runtime);
    // No key: no API at all (/api/ falls through to the static files' 404).
    std::unique_ptr<push::http_api> api;
    if (!api_options.keys.empty()) {
        push::apply_context context{runtime.options.user_room_prefix, store};
        api = std::make_unique<push::http_api>(std::move(api_options), std::move(context),
                                               server.options().shards);
        api->register_routes(server);
    }
    if (runtime.options.development_secret) {
        fmt::print("imedge: no --jwt-secret or --jwt-public-key: development secret {} (kept in "
                   "{}/dev-jwt-secret)\n",
                   runtime.options.jwt.key, runtime.options.data_dir);
        fmt::print("imedge: development token for user \"dev\": {}\n",
                   im::mint_token(runtime.options.jwt, "dev", unix_now(), std::int64_t{24} * 3600));
        fmt::print("imedge: GET /dev/token?user=NAME hands out development tokens to anyone who "
                   "reaches this port (never offered when a key is configured)\n");
    }

    // On SIGINT/SIGTERM, once the backend intakes stopped, the store finishes (and
    // acknowledges) what it was given while the cluster link and the shards still run; then
    // run_with_push stops those.
    return push::run_with_push(server, push_args.push, [&] {
        store->stop();
        auto stats = store->stats();
        fmt::print("imedge: store: {} writes in {} transactions ({} rolled back)\n", stats.writes,
                   stats.batches, stats.failures);
        if (hook) { // after the store: nothing more is handed over
            hook->stop();
            fmt::print("imedge: push webhook: {}\n", webhook::counts_json(hook->counts()));
        }
        std::fflush(stdout);
    });
}

} // namespace

// The root: what nothing below expected (a failed start-up, say) is reported once, here.
int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "imedge: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "imedge: unknown exception\n");
    }
    return 1;
}
