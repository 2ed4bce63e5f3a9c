// The WebSocket writer under hostile peers: control frames never inside a data frame, and a
// peer that stops reading is reset within the write and close deadlines.
#include "fixture.hpp"
#include "test_client.hpp"
#include "wait.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <doctest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

using namespace imedge::testing;
using clock_type = std::chrono::steady_clock;
namespace beast = boost::beast;

namespace {

// A TCP connection to the server with a small receive buffer, speaking WebSocket by hand.
class raw_ws {
public:
    raw_ws(std::uint16_t port, std::string_view path, int receive_buffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receive_buffer > 0)
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string req = "GET " + std::string(path) +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
        send_all(req);
        while (in_.find("\r\n\r\n") == std::string::npos)
            REQUIRE(fill());
        REQUIRE(in_.starts_with("HTTP/1.1 101"));
        in_.erase(0, in_.find("\r\n\r\n") + 4);
    }
    ~raw_ws() { ::close(fd_); }
    raw_ws(const raw_ws&) = delete;
    raw_ws& operator=(const raw_ws&) = delete;

    int fd() const { return fd_; }
    void read_chunk(std::size_t n) { chunk_ = n; }
    /// Whether the last read found the connection closed (not just a timeout).
    bool eof() const { return eof_; }
    void set_receive_timeout(std::chrono::milliseconds t) {
        timeval tv{static_cast<time_t>(t.count() / 1000),
                   static_cast<suseconds_t>((t.count() % 1000) * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }

    // A masked client frame (the mask key is zero, which leaves the payload as it is).
    void send_frame(std::uint8_t opcode, std::string_view payload) {
        std::string f;
        f += static_cast<char>(0x80 | opcode);
        if (payload.size() < 126) {
            f += static_cast<char>(0x80 | payload.size());
        } else {
            f += static_cast<char>(0x80 | 126);
            f += static_cast<char>(payload.size() >> 8);
            f += static_cast<char>(payload.size() & 0xff);
        }
        f.append(4, '\0');
        f += payload;
        send_all(f);
    }

    struct frame {
        bool fin;
        std::uint8_t rsv;
        bool masked;
        std::uint8_t opcode;
        std::string payload;
    };
    // The next frame as the bytes say, or nullopt at EOF, error or timeout.
    std::optional<frame> next() {
        while (true) {
            if (in_.size() >= 2) {
                auto b0 = static_cast<std::uint8_t>(in_[0]);
                auto b1 = static_cast<std::uint8_t>(in_[1]);
                std::size_t header = 2;
                std::uint64_t len = b1 & 0x7f;
                if (len == 126)
                    header = 4;
                else if (len == 127)
                    header = 10;
                if (in_.size() >= header) {
                    if (len == 126)
                        len = (std::uint64_t(std::uint8_t(in_[2])) << 8) | std::uint8_t(in_[3]);
                    else if (len == 127) {
                        len = 0;
                        for (int i = 0; i < 8; ++i)
                            len = (len << 8) | std::uint8_t(in_[2 + i]);
                    }
                    if (len > (64u << 20))
                        return frame{false, 0, false, 0xff, {}}; // garbage length
                    if (in_.size() >= header + len) {
                        frame f{(b0 & 0x80) != 0, std::uint8_t((b0 >> 4) & 7), (b1 & 0x80) != 0,
                                std::uint8_t(b0 & 0x0f), in_.substr(header, len)};
                        in_.erase(0, header + len);
                        return f;
                    }
                }
            }
            if (!fill())
                return std::nullopt;
        }
    }

private:
    bool fill() {
        char buf[65536];
        auto n = ::recv(fd_, buf, chunk_, 0);
        if (n <= 0) {
            eof_ = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
            return false;
        }
        in_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    void send_all(std::string_view s) {
        while (!s.empty()) {
            auto n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    int fd_;
    std::size_t chunk_ = 65536;
    bool eof_ = false;
    std::string in_;
};

// Whether the server has reset or closed the connection, without reading from it.
bool peer_gone(int fd) {
    pollfd p{fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLRDHUP)) != 0;
}

bool is_blob(std::string_view text, std::size_t size) {
    constexpr std::string_view head = R"(42["blob",")";
    if (!text.starts_with(head) || !text.ends_with("\"]") || text.size() != head.size() + size + 2)
        return false;
    return text.substr(head.size(), size).find_first_not_of('x') == std::string_view::npos;
}

} // namespace

TEST_SUITE("component") {

    TEST_CASE("a client pinging every millisecond during a 1,000-message burst, then closing, "
              "never sees a control frame inside a data frame") {
        test_server server(test_options(1));
        // A small receive window and small reads: the server's writes go out in pieces, which is
        // when a control frame written by someone else could land between them.
        raw_ws c(server.port(), "/socket.io/?EIO=4&transport=websocket", 4096);
        c.read_chunk(2048);
        auto open = c.next();
        REQUIRE(open);
        CHECK(open->payload.starts_with("0{"));
        c.send_frame(0x1, "40");
        auto connected = c.next();
        REQUIRE(connected);
        CHECK(connected->payload.starts_with("40{"));

        constexpr int messages = 1000;
        constexpr std::size_t size = 16384;
        std::atomic<bool> stop{false};
        std::thread pinger([&] {
            while (!stop) {
                c.send_frame(0x9, "p");
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        c.send_frame(0x1, R"(42["flood",1000,16384])");
        int blobs = 0;
        int pongs = 0;
        bool bad = false;
        bool closing = false;
        bool server_closed = false;
        while (auto f = c.next()) {
            if (!f->fin || f->rsv != 0 || f->masked) {
                bad = true;
                break;
            }
            if (f->opcode == 0xA) {
                ++pongs;
                CHECK(f->payload == "p");
            } else if (f->opcode == 0x8) {
                server_closed = true;
                break;
            } else if (f->opcode == 0x1) {
                if (is_blob(f->payload, size)) {
                    ++blobs;
                } else if (f->payload != "2") { // an Engine.IO ping is fine, nothing else
                    bad = true;
                    break;
                }
            } else {
                bad = true;
                break;
            }
            if (blobs == messages / 2 && !closing) {
                // A close in the middle of the burst: the server's close reply must also come
                // between frames, and nothing may follow it.
                stop = true;
                pinger.join();
                closing = true;
                c.send_frame(0x8, std::string("\x03\xe8", 2));
            }
        }
        if (!closing) {
            stop = true;
            pinger.join();
        }
        CHECK_FALSE(bad);
        CHECK(closing);
        CHECK(server_closed);
        CHECK(blobs >= messages / 2);
        CHECK(pongs > 0);
        INFO("blobs ", blobs, ", pongs ", pongs);
        CHECK_FALSE(c.next()); // nothing after the close frame
    }

    TEST_CASE("an Engine.IO client that stops reading is reset within the deadlines; others "
              "keep working") {
        auto o = test_options(2);
        o.outbox_limit = 256 * 1024;
        o.limits.write_timeout_ms = 1000;
        o.limits.close_timeout_ms = 500;
        test_server server(o);
        raw_ws stuck(server.port(), "/socket.io/?EIO=4&transport=websocket", 4096);
        REQUIRE(stuck.next()); // open
        stuck.send_frame(0x1, "40");
        REQUIRE(stuck.next()); // connected; from now on it never reads
        ws_client fast(server.port());
        fast.connect_namespace();
        fast.emit("flood", "1000,16384");
        int got = 0;
        while (got < 1000) {
            auto p = fast.read();
            if (!p)
                break;
            if (p->starts_with(R"(42["blob")"))
                ++got;
        }
        CHECK(got == 1000);
        REQUIRE(eventually(
            [&] {
                return total(server.running(), &imedge::server::shard_counters::slow_readers) >= 1;
            },
            std::chrono::milliseconds(10000)));
        auto closed_at = clock_type::now();
        // Bound: the close deadline (0.5 s) after the slow-reader close, plus slack for a loaded
        // machine under ThreadSanitizer.
        CHECK(eventually([&] { return peer_gone(stuck.fd()); }, std::chrono::milliseconds(5000)));
        CHECK(clock_type::now() - closed_at < std::chrono::milliseconds(5000));
        fast.emit("join", R"("still-here")", 1);
        CHECK(fast.read_until("431") == R"(431["joined"])");
    }

    TEST_CASE("a plain WebSocket peer that stops reading is reset within the deadlines; others "
              "keep working") {
        auto o = test_options(1);
        o.outbox_limit = 256 * 1024;
        o.limits.write_timeout_ms = 1000;
        o.limits.close_timeout_ms = 500;
        test_server server(o);
        raw_ws stuck(server.port(), "/plain", 4096);
        stuck.send_frame(0x1, "join:r");
        auto joined = stuck.next();
        REQUIRE(joined);
        CHECK(joined->payload == "joined");
        boost::asio::io_context context;
        beast::websocket::stream<tcp::socket> pub(context);
        pub.next_layer().connect(
            tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server.port()));
        pub.handshake("127.0.0.1", "/plain");
        pub.text(true);
        std::string big = "pub:r:" + std::string(16384, 'y');
        for (int i = 0;
             i < 400 && total(server.running(), &imedge::server::shard_counters::slow_readers) == 0;
             ++i)
            pub.write(boost::asio::buffer(big));
        REQUIRE(eventually(
            [&] {
                return total(server.running(), &imedge::server::shard_counters::slow_readers) >= 1;
            },
            std::chrono::milliseconds(10000)));
        CHECK(eventually([&] { return peer_gone(stuck.fd()); }, std::chrono::milliseconds(5000)));
        pub.write(boost::asio::buffer(std::string_view("echo me")));
        beast::flat_buffer b;
        pub.read(b);
        CHECK(beast::buffers_to_string(b.data()) == "echo me");
    }

    TEST_CASE("plain WebSocket: a silent peer is dropped after the idle timeout; one that "
              "answers pings stays") {
        auto o = test_options(1);
        o.limits.plain_idle_ms = 400;
        test_server server(o);
        raw_ws silent(server.port(), "/plain");
        raw_ws alive(server.port(), "/plain");
        auto start = clock_type::now();
        // The other one answers every ping for 2.5 idle timeouts.
        int alive_pongs = 0;
        bool alive_lost = false;
        std::thread alive_thread([&] {
            alive.set_receive_timeout(std::chrono::milliseconds(50));
            while (clock_type::now() - start < std::chrono::milliseconds(1000)) {
                auto f = alive.next();
                if (!f) {
                    if (alive.eof()) {
                        alive_lost = true;
                        return;
                    }
                    continue;
                }
                if (f->opcode == 0x9) {
                    alive.send_frame(0xA, f->payload);
                    ++alive_pongs;
                }
            }
            alive.set_receive_timeout(std::chrono::milliseconds(5000));
        });
        // The silent one gets a ping (which it ignores), then the connection ends.
        bool pinged = false;
        while (auto f = silent.next())
            pinged = pinged || f->opcode == 0x9;
        auto elapsed = clock_type::now() - start;
        CHECK(pinged);
        CHECK(elapsed >= std::chrono::milliseconds(300));
        CHECK(elapsed < std::chrono::milliseconds(4000));
        alive_thread.join();
        CHECK(alive_pongs > 0);
        CHECK_FALSE(alive_lost);
        alive.send_frame(0x1, "still here");
        auto echo = alive.next();
        REQUIRE(echo);
        CHECK(echo->payload == "still here");
    }
}
