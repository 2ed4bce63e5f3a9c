// Beast WebSocket client connection of the load generator; the only file that compiles Beast.
#include "ws_conn.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <deque>

namespace imedge::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct ws_conn::impl : std::enable_shared_from_this<impl> {
    explicit impl(asio::any_io_executor executor) : ws(std::move(executor)) {}

    void start_write() {
        ws.async_write(asio::buffer(outbox.front()),
                       [self = shared_from_this()](error_code ec, std::size_t) {
                           self->outbox.pop_front();
                           if (ec || self->outbox.empty()) {
                               if (ec)
                                   self->outbox.clear();
                               self->writing = false;
                               return;
                           }
                           self->start_write();
                       });
    }

    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer buffer;
    std::deque<std::string> outbox;
    bool writing = false;
};

ws_conn::ws_conn(asio::any_io_executor executor)
    : impl_(std::make_shared<impl>(std::move(executor))) {}

ws_conn::~ws_conn() {
    close();
}

asio::awaitable<error_code> ws_conn::connect(asio::ip::address_v4 source, const ws_target& target) {
    auto self = impl_;
    auto& socket = beast::get_lowest_layer(self->ws).socket();
    error_code ec;
    socket.open(asio::ip::tcp::v4(), ec);
    if (ec)
        co_return ec;
    // Defer the port choice to connect(): the 4-tuple, not the source address alone, must be
    // unique.
    const int one = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    socket.bind(asio::ip::tcp::endpoint(source, 0), ec);
    if (ec)
        co_return ec;

    const asio::ip::tcp::endpoint server(asio::ip::make_address_v4(target.host), target.port);
    beast::get_lowest_layer(self->ws).expires_after(std::chrono::seconds(15));
    std::tie(ec) = co_await beast::get_lowest_layer(self->ws).async_connect(server, use_tuple);
    if (ec)
        co_return ec;
    beast::get_lowest_layer(self->ws).expires_never();

    self->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    self->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(beast::http::field::user_agent, "imedge-loadgen");
    }));
    self->ws.auto_fragment(false);
    self->ws.read_message_max(16 * 1024 * 1024);
    self->ws.text(true);
    const std::string host = target.host + ":" + std::to_string(target.port);
    std::tie(ec) = co_await self->ws.async_handshake(host, target.path, use_tuple);
    co_return ec;
}

asio::awaitable<error_code> ws_conn::read(std::string_view& text) {
    auto self = impl_;
    self->buffer.consume(self->buffer.size());
    auto [ec, n] = co_await self->ws.async_read(self->buffer, use_tuple);
    if (ec)
        co_return ec;
    text = std::string_view(static_cast<const char*>(self->buffer.data().data()), n);
    co_return error_code{};
}

void ws_conn::send(std::string text) {
    impl_->outbox.push_back(std::move(text));
    if (!impl_->writing) {
        impl_->writing = true;
        impl_->start_write();
    }
}

std::size_t ws_conn::queued() const noexcept {
    return impl_->outbox.size();
}

void ws_conn::close() noexcept {
    if (!impl_)
        return;
    error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

} // namespace imedge::bench
