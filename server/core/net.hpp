// Short names for the networking libraries, and the few small types every I/O file shares.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

namespace imedge::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using executor = asio::io_context::executor_type;

/// A timer bound to a shard's io_context executor (smaller than one with any_io_executor).
/// Used as a wake-up signal: wait with expiry at max(), wake by cancel().
using wake_timer =
    asio::basic_waitable_timer<std::chrono::steady_clock,
                               asio::wait_traits<std::chrono::steady_clock>, executor>;

/// Logs an exception that escaped a coroutine started with co_spawn, or a handler of the
/// program's; the server's own code does not catch anything else.
void log_coroutine_exception(const std::exception_ptr& e, const char* where);

} // namespace imedge::server
