// Cross-shard requests: one timer per shard for all deadlines.
#include "server/core/shard_requests.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace imedge::server {

shard_requests::shard_requests(const executor& ex, std::size_t self)
    : ex_(ex), self_(self), timer_(ex) {}

rooms::request_header shard_requests::open(std::size_t expected, std::chrono::milliseconds timeout,
                                           completion done) {
    auto id = table_.open(expected, rooms::request_clock::now() + timeout, std::move(done));
    arm();
    return {self_, id};
}

void shard_requests::on_reply(rooms::reply&& r) {
    table_.deliver(r.request, std::move(r.body));
}

// One wait at a time, for the earliest deadline. A new earlier deadline moves the wait (the old
// wait ends with operation_aborted and does nothing); a wait that finds its request already
// answered just expires nothing and re-arms for the next one.
void shard_requests::arm() {
    auto next = table_.next_deadline();
    if (!next || (armed_for_ && *armed_for_ <= *next))
        return;
    armed_for_ = next;
    timer_.expires_at(*next);
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec)
            return;
        armed_for_.reset();
        table_.expire(rooms::request_clock::now());
        arm();
    });
}

asio::awaitable<shard_requests::result>
shard_requests::call(std::size_t expected, std::chrono::milliseconds timeout,
                     std::function<void(rooms::request_header)> send) {
    auto initiate = [this, expected, timeout, send = std::move(send)](auto handler) mutable {
        // The completion is a copyable std::function; the coroutine's handler is move-only.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto header = open(expected, timeout, [ex = ex_, shared](result r) {
            asio::post(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
        send(header);
    };
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(result)>(
        std::move(initiate), asio::use_awaitable);
}

} // namespace imedge::server
