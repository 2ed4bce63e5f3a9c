// send_queue's wait and its drain watchers.
#include "server/engineio/send_queue.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

namespace imedge::server {

asio::awaitable<std::tuple<boost::system::error_code>> send_queue::wait() {
    // (Re)setting the expiry wakes any other waiter too; each re-checks its condition.
    wake_.expires_at(std::chrono::steady_clock::time_point::max());
    waiting_ = true;
    return wake_.async_wait(asio::as_tuple(asio::use_awaitable));
}

void send_queue::when_drained(std::size_t low_bytes, std::function<void()> f) {
    if (box_.bytes() <= low_bytes)
        asio::post(wake_.get_executor(), std::move(f));
    else
        drain_watchers_.push_back({low_bytes, std::move(f)});
}

void send_queue::release_drained() {
    std::erase_if(drain_watchers_, [this](drain_watcher& w) {
        if (box_.bytes() > w.low_bytes)
            return false;
        asio::post(wake_.get_executor(), std::move(w.f));
        return true;
    });
}

void log_coroutine_exception(const std::exception_ptr& e, const char* where) {
    if (!e)
        return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        fmt::print(stderr, "imedge: {}: {}\n", where, ex.what());
    } catch (...) {
        fmt::print(stderr, "imedge: {}: unknown exception\n", where);
    }
}

} // namespace imedge::server
