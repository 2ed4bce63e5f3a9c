// Shard start-up, accept loop, mesh messages and graceful stop.
#include "server/core/shard.hpp"

#include "server/engineio/eio_session.hpp"
#include "server/engineio/forwarding.hpp"
#include "server/http/http_connection.hpp"
#include "server/http/routes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace imedge::server {
namespace {

// SO_REUSEPORT as an Asio SettableSocketOption: every shard binds the same port and the
// kernel spreads new connections over them.
class reuse_port {
public:
    template <class Protocol> int level(const Protocol&) const { return SOL_SOCKET; }
    template <class Protocol> int name(const Protocol&) const { return SO_REUSEPORT; }
    template <class Protocol> const int* data(const Protocol&) const { return &value_; }
    template <class Protocol> std::size_t size(const Protocol&) const { return sizeof(value_); }

private:
    int value_ = 1;
};

bool out_of_descriptors(const boost::system::error_code& ec) {
    return ec == boost::system::errc::too_many_files_open ||
           ec == boost::system::errc::too_many_files_open_in_system ||
           ec == boost::system::errc::not_enough_memory ||
           ec == boost::system::errc::no_buffer_space;
}

} // namespace

shard::shard(std::size_t index, const app_config& config, shard_mesh& mesh, metrics_board& board)
    : index_(index), config_(config), mesh_(mesh), board_(board), metrics_(board[index]),
      admission_(config.options.limits.pending_sessions_per_address,
                 config.options.limits.pending_sessions, metrics_.pending_sessions),
      router_(make_routes(config)), acceptor_(context_),
      ids_(index, config.nodes ? config.nodes->own_tag() : std::string()),
      deadlines_(context_.get_executor(),
                 std::chrono::milliseconds(config.options.ping_interval_ms),
                 std::chrono::milliseconds(config.options.ping_timeout_ms),
                 std::chrono::milliseconds(config.options.connect_timeout_ms)),
      engineio_(*this), socketio_(*this), plain_(config.options.limits.max_rooms_per_socket),
      requests_(context_.get_executor(), index) {}

std::uint16_t shard::listen(const tcp::endpoint& endpoint) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.set_option(reuse_port{});
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    return acceptor_.local_endpoint().port();
}

void shard::pin_to_cpu() {
    // Shard i runs on the i-th CPU this process may use, when there are enough of them (under
    // taskset with fewer CPUs than shards, the kernel schedules them instead).
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
        return;
    if (static_cast<std::size_t>(CPU_COUNT(&allowed)) < shard_count())
        return;
    std::size_t seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &allowed))
            continue;
        if (seen++ == index_) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
            return;
        }
    }
}

void shard::run() {
    pin_to_cpu();
    services_.create(config_.services, index_);
    deadlines_.start();
    for (const auto& on_start : config_.on_shard_start)
        on_start(server_ref(*this, "/"));
    asio::co_spawn(context_, accept_loop(),
                   [](const std::exception_ptr& e) { log_coroutine_exception(e, "accept loop"); });
    context_.run();
}

asio::awaitable<void> shard::accept_loop() {
    wake_timer backoff(context_.get_executor());
    while (acceptor_.is_open()) {
        auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open())
            break;
        if (ec) {
            if (out_of_descriptors(ec)) {
                // Out of descriptors is a normal event under load: pause accepting (the kernel
                // keeps the backlog) and let closing connections free some.
                if (metrics_.accept_backoffs.get() % 100 == 0)
                    fmt::print(stderr, "imedge: shard {}: accept: {}; backing off\n", index_,
                               ec.message());
                ++metrics_.accept_backoffs;
                backoff.expires_after(std::chrono::milliseconds(limits().accept_backoff_ms));
                co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        asio::co_spawn(
            context_, run_http_connection(*this, std::move(socket)),
            [](const std::exception_ptr& e) { log_coroutine_exception(e, "connection"); });
    }
}

rooms::send_status shard::send_to(std::size_t to, rooms::shard_message message) {
    if (to == index_) {
        handle(index_, std::move(message));
        return rooms::send_status::sent;
    }
    auto bytes = rooms::approximate_bytes(message);
    auto d = rooms::delivery_of(message);
    auto status = mesh_.send(index_, to, std::move(message), bytes, d);
    auto sent = mesh_.stats(index_); // this shard's own figures: read on its thread
    metrics_.mesh_sent.set(sent.sent);
    metrics_.mesh_overflowed.set(sent.overflowed);
    return status;
}

void shard::drain_mesh() {
    mesh_.drain(index_,
                [this](std::size_t from, rooms::shard_message&& m) { handle(from, std::move(m)); });
}

void shard::flush_mesh_overflow() {
    mesh_.flush_overflow(index_);
}

void shard::handle(std::size_t, rooms::shard_message&& m) {
    std::visit(
        [this](auto&& message) {
            using T = std::decay_t<decltype(message)>;
            if constexpr (std::is_same_v<T, rooms::adopt_connection>) {
                tcp::socket socket(context_);
                sockaddr_storage address{};
                socklen_t length = sizeof(address);
                ::getsockname(message.fd, reinterpret_cast<sockaddr*>(&address), &length);
                boost::system::error_code ec;
                socket.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), message.fd,
                              ec);
                if (ec) {
                    ::close(message.fd);
                    return;
                }
                asio::co_spawn(
                    context_,
                    run_http_connection(*this, std::move(socket), std::move(message.buffered)),
                    [](const std::exception_ptr& e) {
                        log_coroutine_exception(e, "adopted connection");
                    });
            } else if constexpr (std::is_same_v<T, rooms::forwarded_request>) {
                serve_forwarded(*this, std::forward<decltype(message)>(message));
            } else if constexpr (std::is_same_v<T, rooms::plain_broadcast>) {
                plain_.deliver(message);
            } else if constexpr (std::is_same_v<T, rooms::reply>) {
                requests_.on_reply(std::forward<decltype(message)>(message));
            } else if constexpr (std::is_same_v<T, rooms::close_session>) {
                if (auto s = engineio_.find(message.sid))
                    s->close(message.reason);
            } else {
                static_assert(std::is_same_v<T, rooms::adapter_message>);
                socketio_.on_message(std::forward<decltype(message)>(message));
            }
        },
        std::move(m));
}

void shard::connection_closed() {
    --open_connections_;
    if (stopping_ && open_connections_ == 0)
        context_.stop();
}

void shard::request_stop() {
    asio::post(context_, [this] { stop_now(); });
}

void shard::stop_now() {
    if (stopping_)
        return;
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    engineio_.close_all(protocol::engineio::close_reason::server_shutting_down);
    deadlines_.stop();
    for (auto& [socket, a] : open_sockets_)
        if (a == activity::idle)
            socket->close(ignored);
    if (open_connections_ == 0) {
        context_.stop();
        return;
    }
    // Give writers a bounded time to flush and close, then stop regardless.
    auto deadline = std::make_shared<wake_timer>(
        context_.get_executor(), std::chrono::milliseconds(limits().shutdown_timeout_ms));
    deadline->async_wait([this, deadline](boost::system::error_code) {
        // Peers that did not finish their closing handshake in time lose their connection.
        boost::system::error_code ignored;
        for (auto& [socket, a] : open_sockets_)
            socket->close(ignored);
        if (open_connections_ > 0) {
            auto last_chance = std::make_shared<wake_timer>(context_.get_executor(),
                                                            std::chrono::milliseconds(100));
            last_chance->async_wait(
                [this, last_chance](boost::system::error_code) { context_.stop(); });
        }
    });
}

} // namespace imedge::server
