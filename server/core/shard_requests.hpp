// The asking side of cross-shard requests on one shard: the request table, its one timer for
// every outstanding deadline, and the callback and awaitable ways to ask.
#pragma once

#include "server/core/net.hpp"

#include "rooms/request_table.hpp"
#include "rooms/shard_message.hpp"

#include <functional>

namespace imedge::server {

/// Shard-local: every call on the owning shard's thread; completions run there too.
///
/// A request message carries the `rooms::request_header` that `open` returns; the answering
/// shard sends back `rooms::reply{header.id, body}` to `header.origin` (shard::reply_to). The
/// deadline lives here, on the asking shard: a reply that comes after it, or for a cancelled
/// request, is dropped and counted (stats().dropped_replies). Requests expecting several replies
/// (one per shard for fetch-all queries) complete with what arrived when the deadline passes.
class shard_requests {
public:
    using reply_body = rooms::reply_body;
    using result = rooms::request_result<reply_body>;
    using completion = rooms::request_table<reply_body>::completion;

    shard_requests(const executor& ex, std::size_t self);
    shard_requests(const shard_requests&) = delete;
    shard_requests& operator=(const shard_requests&) = delete;

    /// Callback form: opens a request for `expected` replies within `timeout`; `done` runs once,
    /// on this shard, with every reply or with what came by the deadline (possibly inline, when
    /// the reply is handled at once, as a send to the own shard is). Send the request
    /// message(s) carrying the returned header after this returns.
    rooms::request_header open(std::size_t expected, std::chrono::milliseconds timeout,
                               completion done);
    /// Forgets a request whose asker has gone; its completion will not run.
    void cancel(rooms::request_id id) { table_.cancel(id); }

    /// Awaitable form: opens the request, calls `send(header)` to send its message(s), and
    /// resumes (always through a post, never inline) with the result.
    asio::awaitable<result> call(std::size_t expected, std::chrono::milliseconds timeout,
                                 std::function<void(rooms::request_header)> send);

    /// A reply from another shard (or this one).
    void on_reply(rooms::reply&& r);

    const rooms::request_stats& stats() const { return table_.stats(); }
    std::size_t outstanding() const { return table_.size(); }

private:
    void arm();

    executor ex_;
    std::size_t self_;
    rooms::request_table<reply_body> table_;
    wake_timer timer_;
    std::optional<rooms::request_clock::time_point> armed_for_;
};

} // namespace imedge::server
