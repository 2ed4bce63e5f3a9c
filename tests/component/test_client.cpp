// The component tests' blocking client.
#include "test_client.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <simdjson.h>

#include <sys/socket.h>
#include <sys/time.h>

#include <stdexcept>

namespace imedge::testing {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
// Runs `context` until the operation started on it completes or `limit` passes; on timeout the
// socket is closed (which completes the operation with an error). Returns whether it completed.
template <class Socket>
bool finish_within(boost::asio::io_context& context, Socket& socket, bool& done,
                   std::chrono::milliseconds limit) {
    context.restart();
    context.run_for(limit);
    if (done)
        return true;
    beast::error_code ignored;
    socket.close(ignored);
    context.restart();
    context.run();
    return false;
}
} // namespace

std::string json_field(std::string_view json, std::string_view name) {
    simdjson::dom::parser parser;
    auto start = json.find('{');
    if (start == std::string_view::npos)
        return {};
    std::string_view value;
    if (parser.parse(std::string(json.substr(start)))[name].get(value) != simdjson::SUCCESS)
        return {};
    return std::string(value);
}

std::size_t shard_of(std::string_view id) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return id.empty() ? 0 : alphabet.find(id.back());
}

ws_client::ws_client(std::uint16_t port, std::string path, std::chrono::milliseconds timeout,
                     int receive_buffer)
    : ws_(context_), timeout_(timeout) {
    ws_.next_layer().open(tcp::v4());
    if (receive_buffer > 0)
        ws_.next_layer().set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    ws_.next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1", path);
    auto open = read();
    if (!open || open->empty() || open->front() != '0')
        throw std::runtime_error("no open packet");
    eio_sid_ = json_field(*open, "sid");
}

void ws_client::set_timeout(std::chrono::milliseconds t) {
    timeout_ = t;
}
int ws_client::native_handle() {
    return ws_.next_layer().native_handle();
}

std::string ws_client::connect_namespace(std::string_view auth_json) {
    send_text("40" + std::string(auth_json));
    auto answer = read_until("40");
    if (!answer)
        throw std::runtime_error("no CONNECT answer");
    sid_ = json_field(*answer, "sid");
    return sid_;
}

void ws_client::send_text(std::string_view packet) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(packet));
}

void ws_client::send_binary(std::string_view bytes) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(bytes));
    ws_.text(true);
}

void ws_client::emit(std::string_view event, std::string_view args_json,
                     std::optional<int> ack_id) {
    std::string p = "42";
    if (ack_id)
        p += std::to_string(*ack_id);
    p += "[\"" + std::string(event) + "\"";
    if (!args_json.empty())
        p += "," + std::string(args_json);
    p += "]";
    send_text(p);
}

std::optional<std::string> ws_client::read() {
    while (!closed_) {
        beast::flat_buffer buffer;
        beast::error_code ec;
        bool done = false;
        ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!finish_within(context_, ws_.next_layer(), done, timeout_) || ec) {
            closed_ = true;
            return std::nullopt;
        }
        auto text = beast::buffers_to_string(buffer.data());
        if (ws_.got_text() && text == "2") {
            send_text("3");
            continue;
        }
        return text;
    }
    return std::nullopt;
}

std::optional<std::string> ws_client::read_until(std::string_view prefix) {
    while (auto p = read())
        if (p->starts_with(prefix))
            return p;
    return std::nullopt;
}

void ws_client::close() {
    beast::error_code ec;
    ws_.close(beast::websocket::close_code::normal, ec);
    closed_ = true;
}

std::string raw_http(std::uint16_t port, std::string_view request, std::string_view from) {
    boost::asio::io_context context;
    tcp::socket socket(context);
    if (!from.empty()) {
        socket.open(tcp::v4());
        socket.bind(tcp::endpoint(boost::asio::ip::make_address(std::string(from)), 0));
    }
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    boost::asio::write(socket, boost::asio::buffer(request));
    std::string response;
    bool done = false;
    boost::asio::async_read(socket, boost::asio::dynamic_buffer(response),
                            [&](beast::error_code, std::size_t) { done = true; });
    finish_within(context, socket, done, std::chrono::milliseconds(5000));
    return response;
}

polling_client::response polling_client::request(bool post, std::string_view query,
                                                 std::string body) {
    boost::asio::io_context context;
    tcp::socket socket(context);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    http::request<http::string_body> req{post ? http::verb::post : http::verb::get,
                                         "/socket.io/?" + std::string(query), 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    if (post) {
        req.set(http::field::content_type, "text/plain;charset=UTF-8");
        req.body() = std::move(body);
        req.prepare_payload();
    }
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    bool done = false;
    http::async_read(socket, buffer, res, [&](beast::error_code e, std::size_t) {
        ec = e;
        done = true;
    });
    if (!finish_within(context, socket, done, std::chrono::milliseconds(10000)) || ec)
        return {0, ec.message()};
    return {res.result_int(), res.body()};
}

polling_client::response polling_client::get(std::string_view query) {
    return request(false, query, {});
}
polling_client::response polling_client::post(std::string_view query, std::string body) {
    return request(true, query, std::move(body));
}

std::string polling_client::handshake() {
    auto r = get("EIO=4&transport=polling");
    if (r.status != 200)
        throw std::runtime_error("handshake failed: " + r.body);
    sid_ = json_field(r.body, "sid");
    return sid_;
}

} // namespace imedge::testing
