// One client WebSocket connection of the load generator (Beast), behind a narrow interface so
// that only ws_conn.cpp compiles Beast. Owned by one worker thread and used only on its
// io_context; reads are awaited by one reader coroutine, writes are queued and drained in order.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace imedge::bench {

struct ws_target {
    std::string host; // dotted IPv4 on the loopback range
    std::uint16_t port = 0;
    std::string path; // request target, e.g. "/socket.io/?EIO=4&transport=websocket"
};

class ws_conn {
public:
    explicit ws_conn(boost::asio::any_io_executor executor);
    ~ws_conn();
    ws_conn(const ws_conn&) = delete;
    ws_conn& operator=(const ws_conn&) = delete;

    // TCP connect from `source` (port chosen at connect time, so many 127.x.y.z sources each
    // get their own ephemeral-port range), then the WebSocket upgrade.
    boost::asio::awaitable<boost::system::error_code> connect(boost::asio::ip::address_v4 source,
                                                              const ws_target& target);
    // Next complete message; `text` stays valid until the next read.
    boost::asio::awaitable<boost::system::error_code> read(std::string_view& text);
    // Queues one text message; messages go out in order, one write outstanding at a time.
    void send(std::string text);
    std::size_t queued() const noexcept;
    // Closes the socket at once (no closing handshake); pending operations complete with an error.
    void close() noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace imedge::bench
