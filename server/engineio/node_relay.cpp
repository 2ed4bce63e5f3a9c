// Relaying a request to the cluster node that owns its session.
#include "server/engineio/node_relay.hpp"

#include "server/core/ids.hpp"
#include "server/core/shard.hpp"
#include "server/http/http_util.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <memory>
#include <sstream>

namespace imedge::server {
namespace {

using namespace std::chrono_literals;
using asio::as_tuple;
using asio::use_awaitable;

// How long a node's address is trusted before it is asked for again: a node that restarts
// gets a new tag, so an address only goes stale when a node moves, and a failed connect forgets
// it at once.
constexpr auto address_lifetime = 30s;

// "IP:port" (IPv6 as "[IP]:port"); no names, so nothing resolves on a shard thread.
std::optional<tcp::endpoint> parse_address(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    auto host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    std::uint16_t port = 0;
    auto digits = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0)
        return std::nullopt;
    boost::system::error_code bad;
    auto address = asio::ip::make_address(std::string(host), bad);
    if (bad)
        return std::nullopt;
    return tcp::endpoint(address, port);
}

/// One relay in progress, counted in the shard's gauge for as long as it lives (a relayed
/// WebSocket's pipe included). The gauge is in the metrics board, which outlives the shard's
/// coroutine frames.
class open_relay {
public:
    explicit open_relay(shard_metrics& m) : metrics_(m) { metrics_.node_relays_open.add(); }
    ~open_relay() { metrics_.node_relays_open.sub(); }
    open_relay(const open_relay&) = delete;
    open_relay& operator=(const open_relay&) = delete;

private:
    shard_metrics& metrics_;
};

// One direction of a relayed WebSocket. `writing` says whether a write is under way, and
// `writes` counts them, so the watchdog sees a write that does not end.
struct direction_state {
    bool writing = false;
    std::uint64_t writes = 0;
};

asio::awaitable<void> copy_bytes(tcp::socket& from, tcp::socket& to, direction_state& state) {
    std::array<char, std::size_t{16} * 1024> buffer;
    for (;;) {
        auto [read_error, n] =
            co_await from.async_read_some(asio::buffer(buffer), as_tuple(use_awaitable));
        if (read_error)
            co_return;
        state.writing = true;
        ++state.writes;
        auto [write_error, m] =
            co_await asio::async_write(to, asio::buffer(buffer.data(), n), as_tuple(use_awaitable));
        state.writing = false;
        if (write_error)
            co_return;
    }
}

// Ends the pipe when one write has lasted a whole period: a peer that stopped reading (the
// owner's own bound then closes its side, which this direction, blocked writing, would not see).
asio::awaitable<void> watch_writes(const direction_state& up, const direction_state& down,
                                   std::chrono::milliseconds period) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (;;) {
        auto before_up = up.writes;
        auto before_down = down.writes;
        timer.expires_after(period);
        auto [ec] = co_await timer.async_wait(as_tuple(use_awaitable));
        if (ec)
            co_return;
        if ((up.writing && up.writes == before_up) || (down.writing && down.writes == before_down))
            co_return;
    }
}

// A relayed WebSocket after its upgrade request went to the owner: bytes both ways (the owner's
// 101 or error answer first) until either side closes.
asio::awaitable<void> pipe_websocket(shard& s, tcp::socket client, tcp::socket upstream) {
    using namespace asio::experimental::awaitable_operators;
    open_relay counted(s.metrics());
    socket_registration client_registration(s, client);
    socket_registration upstream_registration(s, upstream);
    direction_state up;
    direction_state down;
    co_await (copy_bytes(client, upstream, up) || copy_bytes(upstream, client, down) ||
              watch_writes(up, down, std::chrono::milliseconds(s.limits().write_timeout_ms)));
    boost::system::error_code ignored;
    client.close(ignored);
    upstream.close(ignored);
}

} // namespace

bool node_relay::is_for_other_node(const http_exchange& ex, std::string_view sid) const {
    const auto& nodes = owner_.config().nodes;
    if (!nodes)
        return false;
    auto tag = id_generator::node_tag_of(sid);
    return !tag.empty() && tag != nodes->own_tag() &&
           ex.request.find(relay_header) == ex.request.end();
}

asio::awaitable<connection_next> node_relay::fail(http_exchange& ex, http::status status,
                                                  std::string reason) {
    ++owner_.metrics().node_relay_failures;
    ex.request.keep_alive(false);
    co_return co_await respond(ex, owner_.options(), status, "text/plain", reason + '\n');
}

asio::awaitable<std::optional<tcp::endpoint>> node_relay::address_of(const std::string& tag) {
    auto now = std::chrono::steady_clock::now();
    if (auto it = addresses_.find(tag); it != addresses_.end()) {
        if (it->second.until > now)
            co_return it->second.endpoint;
        addresses_.erase(it);
    }
    // The directory answers on its own thread; the answer is posted here, to this shard, and
    // wakes the wait. Both live in shared state because either side may finish first.
    struct lookup {
        explicit lookup(const executor& e) : done(e) {}
        wake_timer done;
        std::string address;
    };
    auto pending = std::make_shared<lookup>(owner_.get_executor());
    pending->done.expires_after(std::chrono::milliseconds(owner_.limits().node_lookup_timeout_ms));
    owner_.config().nodes->find(tag, [pending](std::string address) {
        auto ex = pending->done.get_executor();
        asio::post(ex, [pending, address = std::move(address)]() mutable {
            pending->address = std::move(address);
            pending->done.cancel();
        });
    });
    co_await pending->done.async_wait(as_tuple(use_awaitable));
    auto endpoint = parse_address(pending->address);
    if (endpoint)
        addresses_[tag] = {*endpoint, now + address_lifetime};
    co_return endpoint;
}

asio::awaitable<connection_next> node_relay::relay(http_exchange& ex, std::string_view sid) {
    std::string tag(id_generator::node_tag_of(sid));
    bool upgrade = beast::websocket::is_upgrade(ex.request);
    if (upgrade && !ex.origin.movable()) // a stream this shard cannot pipe (none yet)
        co_return co_await fail(ex, http::status::bad_gateway, "cannot relay this upgrade");
    if (owner_.metrics().node_relays_open.get() >= owner_.limits().node_relays)
        co_return co_await fail(ex, http::status::service_unavailable,
                                "too many requests relayed to other nodes");
    ++owner_.metrics().node_relays;
    open_relay counted(owner_.metrics());
    auto endpoint = co_await address_of(tag);
    if (!endpoint)
        co_return co_await fail(ex, http::status::service_unavailable,
                                "the node owning this session is unknown");
    beast::tcp_stream connecting(owner_.get_executor());
    connecting.expires_after(std::chrono::milliseconds(owner_.limits().node_connect_timeout_ms));
    auto [ec] = co_await connecting.async_connect(*endpoint, as_tuple(use_awaitable));
    connecting.expires_never();
    if (ec) {
        addresses_.erase(tag);
        co_return co_await fail(ex, http::status::bad_gateway,
                                "the node owning this session cannot be reached");
    }
    auto upstream = connecting.release_socket();
    upstream.set_option(tcp::no_delay(true));
    ex.request.set(relay_header, owner_.config().nodes->own_tag());
    if (auto peer = ex.origin.peer_address(); !peer.empty()) {
        auto it = ex.request.find("x-forwarded-for");
        std::string chain =
            it == ex.request.end() ? peer : fmt::format("{}, {}", it->value(), peer);
        ex.request.set("x-forwarded-for", chain);
    }
    if (upgrade)
        co_return co_await relay_upgrade(ex, std::move(upstream));
    co_return co_await relay_poll(ex, std::move(upstream));
}

// One request, one response, on a connection of its own (closed after it: the owner answers a
// parked GET only when it has data, so a connection could not be shared meanwhile anyway).
asio::awaitable<connection_next> node_relay::relay_poll(http_exchange& ex, tcp::socket upstream) {
    const auto& o = owner_.options();
    bool client_keeps_alive = ex.request.keep_alive();
    ex.request.keep_alive(false);
    beast::tcp_stream stream(std::move(upstream));
    // As a shard forwarding to another (forwarding.cpp): a parked GET is answered within a ping
    // interval, the rest is slack for a loaded owner.
    auto deadline = std::chrono::milliseconds(o.ping_interval_ms) +
                    std::chrono::milliseconds(o.ping_timeout_ms) +
                    std::chrono::milliseconds(o.limits.http_write_timeout_ms);
    stream.expires_after(deadline);
    auto [write_error, written] =
        co_await http::async_write(stream, ex.request, as_tuple(use_awaitable));
    if (write_error)
        co_return co_await fail(ex, http::status::bad_gateway,
                                "the node owning this session closed the connection");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    // A polling response carries at most maxPayload of packets, base64 may grow it by a third.
    parser.body_limit(o.max_payload * 2 + 4096);
    parser.header_limit(static_cast<std::uint32_t>(o.limits.http_header_bytes));
    auto [read_error, read] =
        co_await http::async_read(stream, buffer, parser, as_tuple(use_awaitable));
    if (read_error)
        co_return co_await fail(ex, http::status::bad_gateway,
                                "the node owning this session did not answer");
    auto response = parser.release();
    response.keep_alive(client_keeps_alive);
    bool sent = co_await ex.origin.write(http::message_generator(std::move(response)),
                                         std::chrono::milliseconds(o.limits.http_write_timeout_ms));
    co_return sent&& client_keeps_alive ? connection_next::keep_alive : connection_next::close;
}

asio::awaitable<connection_next> node_relay::relay_upgrade(http_exchange& ex,
                                                           tcp::socket upstream) {
    std::string request = [&] {
        std::ostringstream bytes;
        bytes << ex.request;
        return std::move(bytes).str();
    }();
    auto [ec, n] =
        co_await asio::async_write(upstream, asio::buffer(request), as_tuple(use_awaitable));
    if (ec)
        co_return co_await fail(ex, http::status::bad_gateway,
                                "the node owning this session closed the connection");
    auto taken = ex.origin.take_stream();
    auto* client = std::get_if<tcp::socket>(&taken);
    if (!client)
        co_return connection_next::close;
    owner_.connection_opened(); // before the HTTP side lets go of its count
    auto& s = owner_;
    asio::co_spawn(s.context(), pipe_websocket(s, std::move(*client), std::move(upstream)),
                   [&s](const std::exception_ptr& e) {
                       log_coroutine_exception(e, "relayed websocket");
                       s.connection_closed();
                   });
    co_return connection_next::taken;
}

} // namespace imedge::server
