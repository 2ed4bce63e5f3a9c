// A server-side emit carrying more binary attachments than server_limits::max_attachments is
// refused at the handler API (it throws protocol::errc::too_many_attachments and sends nothing),
// while one at the bound goes out whole.
#include "test_client.hpp"

#include "fixture.hpp"
#include "protocol/error.hpp"

#include <boost/system/system_error.hpp>

#include <doctest.h>

using namespace imedge::testing;
using namespace imedge::server;

namespace {

// "/": blobs(n, how) emits "b" with n one-byte attachments to the sender, by emit or
// emit_local, then acks "sent" or the error's message; with how "ack" it acks with the n
// attachments themselves, or with the error's message when that ack is refused.
class blob_server {
public:
    explicit blob_server(server_options o) : app_(std::move(o)) {
        app_.of("/").on("blobs", [](event& e) {
            payload p;
            for (int i = 0, n = std::stoi(e.args[0].json); i < n; ++i)
                p.add_binary(std::string(1, static_cast<char>('a' + i % 26)));
            try {
                if (e.args.string_at(1) == "ack") {
                    e.ack(p);
                    return;
                }
                if (e.args.string_at(1) == "local")
                    e.io.emit_local(e.sid, "b", p);
                else
                    e.io.emit("b", p, {.to = {e.sid}});
                e.ack(payload().add_string("sent"));
            } catch (const boost::system::system_error& error) {
                e.ack(payload().add_string(error.code().message()));
            }
        });
        running_ = app_.start();
    }
    std::uint16_t port() const { return running_->port(); }

private:
    app app_;
    std::unique_ptr<running_server> running_;
};

std::string refusal() {
    return R"([")" + make_error_code(imedge::protocol::errc::too_many_attachments).message() +
           R"("])";
}

} // namespace

TEST_SUITE("component") {

    TEST_CASE("an ack past max_attachments throws too_many_attachments and sends nothing") {
        auto o = test_options(1);
        o.limits.max_attachments = 3;
        blob_server server(o);
        ws_client c(server.port());
        c.connect_namespace();
        // At the bound: a BINARY_ACK with its three parts.
        c.emit("blobs", R"(3,"ack")", 1);
        auto header = c.read();
        REQUIRE(header);
        CHECK(header->starts_with(R"(463-1[{"_placeholder":true,"num":0})"));
        CHECK(c.read() == "a");
        CHECK(c.read() == "b");
        CHECK(c.read() == "c");
        // One past it: nothing of the refused ack goes out, and the ack is still owed, so the
        // handler's answer with the error is the very next packet.
        c.emit("blobs", R"(4,"ack")", 2);
        CHECK(c.read() == "432" + refusal());
        // The connection is unharmed.
        c.emit("blobs", R"(1,"ack")", 3);
        CHECK(c.read() == R"(461-3[{"_placeholder":true,"num":0}])");
        CHECK(c.read() == "a");
    }

    TEST_CASE("an emit past max_attachments throws too_many_attachments and sends nothing") {
        auto o = test_options(1);
        o.limits.max_attachments = 3;
        blob_server server(o);
        ws_client c(server.port());
        c.connect_namespace();
        for (const char* how : {"emit", "local"}) {
            CAPTURE(how);
            // At the bound: the binary event (3 attachments) and its parts come first, then the
            // ack.
            c.emit("blobs", std::string("3,\"") + how + "\"", 1);
            auto header = c.read();
            REQUIRE(header);
            CHECK(header->starts_with(R"(453-["b",{"_placeholder":true,"num":0})"));
            CHECK(c.read() == "a");
            CHECK(c.read() == "b");
            CHECK(c.read() == "c");
            CHECK(c.read() == R"(431["sent"])");
            // One past it: refused, so the ack is the very next packet.
            c.emit("blobs", std::string("4,\"") + how + "\"", 2);
            CHECK(c.read() == "432" + refusal());
        }
        // The connection is unharmed.
        c.emit("blobs", R"(0,"emit")", 3);
        CHECK(c.read() == R"(42["b"])");
        CHECK(c.read() == R"(433["sent"])");
    }
}
