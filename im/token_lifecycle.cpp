// A connection's token over its life: `auth.refresh` replaces it before it runs out, the
// shard's one expiry timer ends connections whose token ran out unrefreshed (`auth.expired`),
// and the revocation hook ends every connection of a user (`auth.revoked`).
#include "shard_service.hpp"

#include "wire.hpp"

#include "protocol/json_text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>

namespace imedge::im {
namespace {

std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The `exp` an ack reports: the second at which the server ends the connection.
std::int64_t expiry_seconds(std::int64_t ms) {
    return ms / 1000 + (ms % 1000 > 0 ? 1 : 0);
}

std::string refusal_json(auth_failure f) {
    return fmt::format(R"({{"ok":false,"error":"unauthorized","reason":"{}"}})", reason_name(f));
}

} // namespace

void shard_service::start() {
    boost::asio::co_spawn(io_.get_executor(), watch_expiry(), [](const std::exception_ptr& e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& x) {
            fmt::print(stderr, "imedge: im: token expiry watch ended: {}\n", x.what());
        }
    });
}

void shard_service::track_expiry(const std::string& sid, const verified_token& t) {
    if (!t.expires_ms) {
        expiries_.cancel(sid);
        return;
    }
    // Only a new earliest deadline needs the timer to wake sooner; later ones wait their turn.
    if (expiries_.arm(sid, *t.expires_ms))
        if (auto timer = expiry_timer_.lock())
            timer->cancel();
}

// One timer per shard, always set for the earliest deadline. The deadlines are wall-clock
// (`exp` is); the timer is steady, so after a clock step the due check simply re-arms it.
boost::asio::awaitable<void> shard_service::watch_expiry() {
    // The frame owns the timer (it dies with the shard's io_context); the service only
    // watches it.
    auto timer =
        std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor);
    expiry_timer_ = timer;
    for (;;) {
        if (auto next = expiries_.next())
            timer->expires_after(
                std::chrono::milliseconds(std::max<std::int64_t>(0, *next - unix_ms())));
        else
            timer->expires_at(boost::asio::steady_timer::time_point::max());
        co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        expire_due();
    }
}

void shard_service::expire_due() {
    for (const auto& sid : expiries_.take_due(unix_ms()))
        end_connection(sid, "auth.expired", close_unauthorized, reason_name(auth_failure::expired));
}

void shard_service::end_connection(const std::string& sid, std::string_view event,
                                   std::uint16_t code, std::string_view reason) {
    auto* d = find(sid);
    if (!d)
        return;
    auto via = d->via;
    // Both go through the device's one outbox: the client reads the reason, then DISCONNECT
    // (or the close frame).
    link_.emit(sid, via, event, fmt::format(R"({{"reason":{}}})", protocol::json_string(reason)));
    expiries_.cancel(sid); // a /ws peer stays a device until its close completes
    // A Socket.IO disconnect runs on_disconnect now, which forgets the device and its deadline.
    link_.end(sid, via, code, reason);
}

std::size_t shard_service::disconnect_user(const std::string& user, std::string_view reason) {
    auto it = by_user_.find(user);
    if (it == by_user_.end())
        return 0;
    auto sids = it->second; // a copy: every disconnect edits the list
    for (const auto& sid : sids)
        end_connection(sid, "auth.revoked", close_revoked, reason);
    return sids.size();
}

void shard_service::refresh(event& e) {
    simdjson::dom::object a;
    auto* d = parse(e, a);
    if (!d)
        return;
    auto given = string_field(a, "token");
    if (!given) {
        if (e.ack)
            e.ack(server::payload().add_json(error_json("bad_request")));
        return;
    }
    std::string token(*given); // verify() reuses the parser that `given` points into
    auto now = unix_ms() / 1000;
    auto verdict = verifier_.verify(token, now, parser_);
    std::string answer;
    if (auto* failure = std::get_if<auth_failure>(&verdict)) {
        answer = refusal_json(*failure); // the connection keeps its current token
    } else if (auto& identity = std::get<verified_token>(verdict); identity.user != d->user) {
        answer = refusal_json(auth_failure::wrong_user);
    } else {
        track_expiry(e.sid, identity);
        d->claims = std::move(identity.true_claims);
        answer = identity.expires_ms ? fmt::format(R"({{"ok":true,"exp":{}}})",
                                                   expiry_seconds(*identity.expires_ms))
                                     : std::string(R"({"ok":true,"exp":null})");
    }
    if (e.ack)
        e.ack(server::payload().add_json(std::move(answer)));
}

} // namespace imedge::im
