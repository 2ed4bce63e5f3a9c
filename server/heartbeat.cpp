// The heartbeat sweeper.
#include "heartbeat.hpp"

#include "eio_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imedge::server {

heartbeat::heartbeat(executor ex, clock::duration ping_interval, clock::duration ping_timeout,
                     clock::duration connect_timeout)
    : lanes_{queue{ping_interval, {}}, queue{ping_timeout, {}}, queue{connect_timeout, {}}}, timer_(ex) {}

void heartbeat::start() {
    asio::co_spawn(timer_.get_executor(), run(),
                   [](std::exception_ptr e) { log_coroutine_exception(e, "heartbeat"); });
}

void heartbeat::stop() {
    stopped_ = true;
    timer_.cancel();
    for (auto& l : lanes_) l.entries.clear();
}

std::size_t heartbeat::pending() const {
    std::size_t n = 0;
    for (const auto& l : lanes_) n += l.entries.size();
    return n;
}

void heartbeat::schedule(lane l, const std::shared_ptr<eio_session>& s, std::uint32_t epoch) {
    if (stopped_) return;
    auto& q = lanes_[static_cast<std::size_t>(l)];
    auto due = clock::now() + q.delay;
    q.entries.push_back({due, s, epoch});
    // Only a lane that was empty can hold a deadline earlier than the timer's.
    if (q.entries.size() == 1 && due < timer_.expiry()) timer_.expires_at(due);
}

asio::awaitable<void> heartbeat::run() {
    while (!stopped_) {
        auto next = clock::time_point::max();
        for (const auto& l : lanes_)
            if (!l.entries.empty() && l.entries.front().due < next) next = l.entries.front().due;
        timer_.expires_at(next);
        co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        auto now = clock::now();
        for (std::size_t i = 0; i < lanes_.size() && !stopped_; ++i) {
            auto& q = lanes_[i].entries;
            while (!q.empty() && q.front().due <= now) {
                entry e = std::move(q.front());
                q.pop_front();
                if (auto s = e.session.lock()) s->on_deadline(static_cast<lane>(i), e.epoch);
            }
        }
    }
}

} // namespace imedge::server
