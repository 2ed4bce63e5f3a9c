// Plain WebSocket endpoints with open and close handlers (server/api/app.hpp websocket_handlers):
// the open handler sees the upgrade's query and may refuse with a close code and reason; a peer
// is found by id on its shard; publish_plain reaches plain rooms on every shard once per peer,
// skipping by id; the close handler runs once per peer, still able to find it. Two shards.
#include "fixture.hpp"
#include "test_client.hpp"
#include "wait.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

using namespace imedge::testing;
namespace server = imedge::server;
using imedge::protocol::engineio::frame_kind;
using ws_stream = boost::beast::websocket::stream<tcp::socket>;

namespace {

struct close_tally {
    std::atomic<int> closes{0};
    std::atomic<int> found_at_close{0};
};

std::unique_ptr<ws_stream> open_ws(boost::asio::io_context& context, std::uint16_t port,
                                   const std::string& target) {
    auto ws = std::make_unique<ws_stream>(context);
    ws->next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws->handshake("127.0.0.1", target);
    ws->text(true);
    return ws;
}

std::string read_text(ws_stream& ws) {
    boost::beast::flat_buffer b;
    ws.read(b);
    return boost::beast::buffers_to_string(b.data());
}

} // namespace

TEST_SUITE("component") {
    TEST_CASE("plain WebSocket handlers: open may refuse with a code and reason; publish_plain "
              "skips by id across shards; close runs once per peer") {
        close_tally tally;
        server::app a(test_options(2));
        a.websocket(
            "/p",
            server::websocket_handlers{
                [](server::websocket_peer& peer, const server::handshake_info& h) {
                    if (h.query_param("key") != "ok")
                        return peer.close(4401, "no key");
                    peer.join("all");
                    peer.join("also"); // in two of the rooms a publish names: still one copy
                    peer.send("id:" + peer.id(), frame_kind::text);
                },
                [](server::websocket_peer& peer, std::string_view data, frame_kind) {
                    if (data.starts_with("find:")) {
                        auto* found = peer.io().plain_peer(data.substr(5));
                        peer.send(found == &peer ? "me"
                                  : found        ? "other"
                                                 : "none",
                                  frame_kind::text);
                    } else {
                        peer.io().publish_plain({"all", "also"}, std::string(data), peer.id());
                    }
                },
                [&tally](const server::server_ref& io, std::string_view id) {
                    if (io.plain_peer(id))
                        ++tally.found_at_close;
                    ++tally.closes;
                }});
        auto running = a.start();
        boost::asio::io_context context;

        auto refused = open_ws(context, running->port(), "/p?key=no");
        boost::beast::flat_buffer b;
        boost::beast::error_code ec;
        refused->read(b, ec);
        CHECK(ec == boost::beast::websocket::error::closed);
        CHECK(refused->reason().code == 4401);
        CHECK(std::string(refused->reason().reason.c_str()) == "no key");

        std::vector<std::unique_ptr<ws_stream>> peers;
        std::vector<std::string> ids;
        for (int i = 0; i < 8; ++i) {
            peers.push_back(open_ws(context, running->port(), "/p?key=ok"));
            auto hello = read_text(*peers.back());
            REQUIRE(hello.starts_with("id:"));
            ids.push_back(hello.substr(3));
        }
        peers[0]->write(boost::asio::buffer("find:" + ids[0]));
        CHECK(read_text(*peers[0]) == "me");
        peers[0]->write(boost::asio::buffer(std::string("find:nobody")));
        CHECK(read_text(*peers[0]) == "none");

        peers[0]->write(boost::asio::buffer(std::string("one")));
        peers[1]->write(boost::asio::buffer(std::string("two")));
        // Each peer gets the other's publish once (and never its own); then the next message
        // on peer 0 shows nothing else was queued before it.
        CHECK(read_text(*peers[0]) == "two");
        CHECK(read_text(*peers[1]) == "one");
        for (std::size_t i = 2; i < peers.size(); ++i) {
            std::vector<std::string> got{read_text(*peers[i]), read_text(*peers[i])};
            std::sort(got.begin(), got.end());
            CHECK(got == std::vector<std::string>{"one", "two"});
        }
        peers[0]->write(boost::asio::buffer("find:" + ids[0]));
        CHECK(read_text(*peers[0]) == "me");

        for (auto& p : peers)
            p->close(boost::beast::websocket::close_code::normal);
        CHECK(eventually([&] { return tally.closes == 9; }));
        CHECK(tally.found_at_close == 9);
        running->stop();
        CHECK(tally.closes == 9);
    }
}
