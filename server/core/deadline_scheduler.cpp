// The per-shard deadline sweep.
#include "server/core/deadline_scheduler.hpp"

#include "server/engineio/eio_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imedge::server {

deadline_scheduler::deadline_scheduler(const executor& ex, clock::duration ping_interval,
                                       clock::duration ping_timeout,
                                       clock::duration connect_timeout)
    : lanes_({ping_interval, ping_timeout, connect_timeout}), timer_(ex) {}

void deadline_scheduler::start() {
    asio::co_spawn(timer_.get_executor(), run(), [](const std::exception_ptr& e) {
        log_coroutine_exception(e, "deadline scheduler");
    });
}

void deadline_scheduler::stop() {
    stopped_ = true;
    timer_.cancel();
    lanes_.clear();
}

void deadline_scheduler::schedule(lane l, const std::shared_ptr<eio_session>& s,
                                  std::uint32_t epoch) {
    if (stopped_)
        return;
    auto [due, may_be_earliest] =
        lanes_.push(static_cast<std::size_t>(l), entry{s, epoch}, clock::now());
    if (may_be_earliest && due < timer_.expiry())
        timer_.expires_at(due); // re-arms the sweep
}

asio::awaitable<void> deadline_scheduler::run() {
    while (!stopped_) {
        timer_.expires_at(lanes_.next());
        co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        if (stopped_)
            break;
        lanes_.pop_due(clock::now(), [](std::size_t l, entry&& e) {
            if (auto s = e.session.lock())
                s->on_deadline(static_cast<lane>(l), e.epoch);
        });
    }
}

} // namespace imedge::server
