// Static site: request paths to file keys (every way out of the root refused), content types,
// ETags, and loading a real directory with dot-files, node_modules, symlinks and limits.
#include "server/http/static_site.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace imedge::server;
namespace fs = std::filesystem;

TEST_SUITE("server") {

    TEST_CASE("static paths: files, directories, query and fragment") {
        CHECK(map_static_path("/") == "index.html");
        CHECK(map_static_path("/?token=abc") == "index.html");
        CHECK(map_static_path("/app.mjs") == "app.mjs");
        CHECK(map_static_path("/js/chat.mjs#x") == "js/chat.mjs");
        CHECK(map_static_path("/docs/") == "docs/index.html");
        CHECK(map_static_path("/socket.io/socket.io.min.js") == "socket.io/socket.io.min.js");
        CHECK(map_static_path("/a%20b.css") == "a b.css");
        CHECK(map_static_path("/%61pp.mjs") == "app.mjs");
    }

    TEST_CASE("static paths: every way out of the root is refused") {
        for (auto target : {"",
                            "app.mjs",
                            "//etc/passwd",
                            "/../etc/passwd",
                            "/a/../../b",
                            "/..",
                            "/.",
                            "/./app.mjs",
                            "/a/./b",
                            "/%2e%2e/etc/passwd",
                            "/%2E%2E/x",
                            "/a/%2e%2e/%2e%2e/x",
                            "/.%2e/x",
                            "/a%2f..%2fb",
                            "/a%2F..",
                            "/a%00.html",
                            "/a\\..\\b",
                            "/%5c..%5cb",
                            "/a//b",
                            "/.git/config",
                            "/a/.env",
                            "/%",
                            "/%2",
                            "/%zz",
                            "/a%2"}) {
            CAPTURE(target);
            CHECK_FALSE(map_static_path(target));
        }
    }

    TEST_CASE("static content types and etags") {
        CHECK(content_type_of("index.html") == "text/html; charset=utf-8");
        CHECK(content_type_of("js/app.mjs") == "text/javascript; charset=utf-8");
        CHECK(content_type_of("socket.io/socket.io.min.js") == "text/javascript; charset=utf-8");
        CHECK(content_type_of("style.css") == "text/css; charset=utf-8");
        CHECK(content_type_of("a.b/noext") == "application/octet-stream");
        CHECK(content_type_of("x.exe") == "application/octet-stream");
        CHECK(make_etag("a") == make_etag("a"));
        CHECK(make_etag("a") != make_etag("b"));
        CHECK(make_etag("").size() == 18); // quotes + 16 hex digits
    }

    namespace {

    struct temp_tree {
        fs::path dir = fs::temp_directory_path() / ("imedge-static-" + std::to_string(::getpid()));
        temp_tree() {
            fs::remove_all(dir);
            fs::create_directories(dir / "web/js");
            fs::create_directories(dir / "web/node_modules/socket.io-client/dist");
            fs::create_directories(dir / "web/.hidden");
            fs::create_directories(dir / "outside");
        }
        ~temp_tree() { fs::remove_all(dir); }
        void write(const fs::path& rel, std::string_view text) const {
            std::ofstream(dir / rel) << text;
        }
    };

    } // namespace

    TEST_CASE("static site: loads the tree, skips what must not be served") {
        temp_tree t;
        t.write("web/index.html", "<html>");
        t.write("web/js/app.mjs", "export {}");
        t.write("web/package.json", "{}");
        t.write("web/.env", "secret");
        t.write("web/.hidden/x.html", "hidden");
        t.write("web/node_modules/socket.io-client/dist/socket.io.min.js", "io()");
        t.write("web/big.txt", std::string(2000, 'x'));
        t.write("outside/secret.txt", "secret");
        fs::create_symlink(t.dir / "outside/secret.txt", t.dir / "web/leak.txt");
        fs::create_directory_symlink(t.dir / "outside", t.dir / "web/out");
        fs::create_symlink(t.dir / "web/index.html", t.dir / "web/home.html"); // inside: fine

        std::vector<std::string> warnings;
        auto site = static_site::load(
            t.dir / "web",
            {{"socket.io/socket.io.min.js", "node_modules/socket.io-client/dist/socket.io.min.js"},
             {"missing.js", "node_modules/nope.js"}},
            warnings, static_limits{.max_file = 1000});
        REQUIRE(site->find("index.html"));
        CHECK(site->find("index.html")->content == "<html>");
        CHECK(site->find("index.html")->content_type == "text/html; charset=utf-8");
        CHECK(site->find("index.html")->etag == make_etag("<html>"));
        CHECK(site->find("js/app.mjs"));
        CHECK(site->find("home.html"));
        REQUIRE(site->find("socket.io/socket.io.min.js"));
        CHECK(site->find("socket.io/socket.io.min.js")->content == "io()");
        for (auto key : {"package.json", ".env", ".hidden/x.html",
                         "node_modules/socket.io-client/dist/socket.io.min.js", "leak.txt",
                         "out/secret.txt", "big.txt", "missing.js"}) {
            CAPTURE(key);
            CHECK_FALSE(site->find(key));
        }
        CHECK(site->size() == 4);
        CHECK(warnings.size() == 3); // leak.txt, big.txt, missing.js
    }

    TEST_CASE("static site: a missing root serves nothing and says so") {
        std::vector<std::string> warnings;
        auto site = static_site::load("/nonexistent/imedge-web", {}, warnings);
        CHECK(site->size() == 0);
        CHECK(warnings.size() == 1);
    }

} // TEST_SUITE
