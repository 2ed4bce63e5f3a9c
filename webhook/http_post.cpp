// The webhook's HTTP client: Beast's tcp_stream (its deadline), request serializer and response
// parser, over Asio's resolver.
#include "webhook/http_post.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>

namespace imedge::webhook {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t max_response_body =
    std::size_t{64} * 1024; // an answer's body is read and dropped

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc{} || end != v.data() + v.size() || seconds < 0)
        return std::nullopt; // the HTTP-date form is not honoured: the backoff applies
    return std::chrono::milliseconds(std::min<std::int64_t>(seconds, std::int64_t{24} * 3600) *
                                     1000);
}

} // namespace

struct http_poster::impl {
    impl(asio::any_io_executor ex, const webhook_url& u, std::chrono::milliseconds t)
        : resolver(ex), stream(ex), url(u), timeout(t) {}

    tcp::resolver resolver;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    webhook_url url;
    std::chrono::milliseconds timeout;
    bool connected = false;

    void drop() {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        buffer.clear();
        connected = false;
    }

    asio::awaitable<beast::error_code> connect() {
        auto [ec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                               asio::as_tuple(asio::use_awaitable));
        if (ec)
            co_return ec;
        auto [cec, ep] =
            co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
        (void)ep;
        if (!cec) {
            connected = true;
            stream.socket().set_option(tcp::no_delay(true), cec);
        }
        co_return cec;
    }
};

http_poster::http_poster(asio::any_io_executor ex, const webhook_url& url,
                         std::chrono::milliseconds timeout)
    : impl_(std::make_unique<impl>(std::move(ex), url, timeout)) {}

http_poster::~http_poster() = default;

void http_poster::close() {
    impl_->resolver.cancel();
    impl_->drop();
}

asio::awaitable<post_result> http_poster::post(std::string body, header_list headers) {
    auto& s = *impl_;
    http::request<http::string_body> req{http::verb::post, s.url.target, 11};
    req.set(http::field::host, s.url.host_header);
    req.set(http::field::user_agent, "imedge-push-webhook");
    req.set(http::field::content_type, "application/json");
    for (auto& [name, value] : headers)
        req.set(name, value);
    req.body() = std::move(body);
    req.keep_alive(true);
    req.prepare_payload();

    s.stream.expires_after(s.timeout); // one deadline for the whole attempt
    post_result out;
    for (int round = 0; round < 2; ++round) {
        const bool reused = s.connected;
        if (!s.connected) {
            if (auto ec = co_await s.connect()) {
                s.drop();
                out.error = "connect: " + ec.message();
                co_return out;
            }
        }
        auto [wec, written] =
            co_await http::async_write(s.stream, req, asio::as_tuple(asio::use_awaitable));
        (void)written;
        http::response_parser<http::string_body> parser;
        parser.body_limit(max_response_body);
        beast::error_code rec = wec;
        if (!wec) {
            auto [ec, read] = co_await http::async_read(s.stream, s.buffer, parser,
                                                        asio::as_tuple(asio::use_awaitable));
            (void)read;
            rec = ec;
        }
        if (rec) {
            s.drop();
            // A kept-alive connection the receiver closed while idle: one fresh try.
            bool stale = reused && !parser.got_some() && rec != beast::error::timeout &&
                         rec != asio::error::operation_aborted;
            if (stale)
                continue;
            out.error = (wec ? "write: " : "read: ") + rec.message();
            co_return out;
        }
        auto& res = parser.get();
        out.status = res.result_int();
        if (auto it = res.find(http::field::retry_after); it != res.end())
            out.retry_after = parse_retry_after(it->value());
        if (!res.keep_alive())
            s.drop();
        co_return out;
    }
    out.error = "the receiver closed the connection twice";
    co_return out;
}

} // namespace imedge::webhook
