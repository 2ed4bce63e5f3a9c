// Forwarding long-polling requests to the shard that owns their session, and their answers back.
#include "server/engineio/forwarding.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/engineio_host.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>

#include <sstream>

namespace imedge::server {
namespace {

std::string serialize(const http_request& request) {
    std::ostringstream out;
    out << request;
    return std::move(out).str();
}

// The forwarded bytes came from a request this process parsed and serialized, so they parse;
// the bounds are the ones the reading shard applied, kept in case that ever changes.
std::optional<http_request> parse(std::string_view bytes, const shard& s) {
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(s.options().max_payload);
    parser.header_limit(static_cast<std::uint32_t>(s.limits().http_header_bytes));
    beast::error_code ec;
    while (!bytes.empty() && !parser.is_done()) {
        auto used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec || used == 0)
            return std::nullopt;
        bytes.remove_prefix(used);
    }
    if (!parser.is_done())
        return std::nullopt;
    return parser.release();
}

/// Where a forwarded request's answer goes: serialized into a reply to the asking shard. It has
/// no stream of its own to upgrade or hand over.
class forwarded_origin final : public http_origin {
public:
    forwarded_origin(shard& s, rooms::request_header asker, std::string peer)
        : shard_(s), asker_(asker), peer_(std::move(peer)) {}
    forwarded_origin(const forwarded_origin&) = delete;
    forwarded_origin& operator=(const forwarded_origin&) = delete;
    /// A request served without an answer (it cannot be, or it threw) closes the connection. Not
    /// while stopping: every shard is, and the asker's deadline ends its wait anyway.
    ~forwarded_origin() override {
        if (!answered_ && !shard_.stopping())
            answer({}, false);
    }

    // Not a coroutine: the response is serialized at once (there is no socket to wait for),
    // and only the result is handed to an awaitable.
    asio::awaitable<bool> write(http::message_generator response,
                                std::chrono::milliseconds) override {
        auto bytes = serialize(response);
        return ready(bytes && answer(std::move(*bytes), response.keep_alive()));
    }

    asio::awaitable<bool> write_serialized(std::string_view response,
                                           std::chrono::milliseconds) override {
        co_return answer(std::string(response), true);
    }

    std::string peer_address() const override { return peer_; }
    upgrade_stream take_stream() override { return std::monostate{}; }
    bool movable() const override { return false; }
    std::optional<released_connection> release() override { return std::nullopt; }

private:
    static asio::awaitable<bool> ready(bool value) { co_return value; }

    // The whole response as bytes; nullopt if the generator fails.
    static std::optional<std::string> serialize(http::message_generator& response) {
        std::string bytes;
        beast::error_code ec;
        while (!response.is_done()) {
            auto buffers = response.prepare(ec);
            if (ec)
                return std::nullopt;
            auto n = asio::buffer_size(buffers);
            auto at = bytes.size();
            bytes.resize(at + n);
            asio::buffer_copy(asio::buffer(bytes.data() + at, n), buffers);
            response.consume(n);
        }
        return bytes;
    }

    // One answer per request: HTTP/1.1 has no second response to one request.
    bool answer(std::string bytes, bool keep_alive) {
        if (answered_)
            return false;
        answered_ = true;
        shard_.reply_to(asker_, rooms::forwarded_response{std::move(bytes), keep_alive});
        return true;
    }

    shard& shard_;
    rooms::request_header asker_;
    std::string peer_;
    bool answered_ = false;
};

asio::awaitable<void> serve_forwarded_request(shard& s, rooms::forwarded_request r) {
    forwarded_origin origin(s, r.header, std::move(r.peer));
    auto request = parse(r.request, s);
    if (!request)
        co_return; // the origin's destructor closes the connection
    http_exchange ex{origin, std::move(*request)};
    co_await s.engineio().serve(ex, r.path);
}

} // namespace

asio::awaitable<connection_next> forward_to_owner(shard& s, std::size_t to, http_exchange& ex,
                                                  std::string_view path) {
    ++s.metrics().forwarded;
    const auto& o = s.options();
    // A parked GET is answered within a ping interval (with the ping, at the latest); the rest is
    // slack for a loaded owner.
    auto deadline = std::chrono::milliseconds(o.ping_interval_ms) +
                    std::chrono::milliseconds(o.ping_timeout_ms) +
                    std::chrono::milliseconds(o.limits.http_write_timeout_ms);
    auto result = co_await s.requests().call(1, deadline, [&](rooms::request_header header) {
        s.send_to(to, rooms::forwarded_request{header, serialize(ex.request),
                                               ex.origin.peer_address(), std::string(path)});
    });
    const rooms::forwarded_response* response =
        result.replies.empty() ? nullptr
                               : std::get_if<rooms::forwarded_response>(&result.replies.front());
    if (!response) {
        ++s.metrics().forward_timeouts;
        co_return connection_next::close;
    }
    if (response->bytes.empty())
        co_return connection_next::close;
    bool written = co_await ex.origin.write_serialized(
        response->bytes, std::chrono::milliseconds(o.limits.http_write_timeout_ms));
    co_return written && response->keep_alive&& ex.request.keep_alive()
        ? connection_next::keep_alive
        : connection_next::close;
}

void serve_forwarded(shard& s, rooms::forwarded_request&& request) {
    s.connection_opened(); // a graceful stop waits for the answer
    asio::co_spawn(s.context(), serve_forwarded_request(s, std::move(request)),
                   [&s](const std::exception_ptr& e) {
                       log_coroutine_exception(e, "forwarded request");
                       s.connection_closed();
                   });
}

} // namespace imedge::server
