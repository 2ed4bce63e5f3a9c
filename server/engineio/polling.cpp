// HTTP long-polling (engine.io-protocol v4, "HTTP long-polling"): feeds the session machine the
// requests and answers them as it says.
#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/engineio/transports.hpp"
#include "server/http/http_util.hpp"

#include "protocol/engineio/payload.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imedge::server {

namespace eio = protocol::engineio;
namespace act = eio::action;

asio::awaitable<connection_next> serve_poll_get(std::shared_ptr<eio_session> s, http_exchange& ex) {
    const auto& o = s->owner().options();
    auto& q = s->queue();
    auto acts = s->feed(eio::input::get_arrived{q.frames().empty()});
    const act::answer_get* answer = nullptr;
    for (;;) {
        if (const auto* e = find_action<act::reply_error>(acts))
            co_return co_await respond_error(ex, o, e->error);
        if ((answer = find_action<act::answer_get>(acts)))
            break;
        {
            gauge_hold parked(s->owner().metrics().parked_gets); // for /healthz
            co_await q.wait();
        }
        acts = s->feed(eio::input::get_woken{q.frames().empty()});
    }

    std::string body;
    switch (answer->with) {
    case act::get_answer::noop:
        body = "6";
        break;
    case act::get_answer::close:
        body = "1";
        break;
    case act::get_answer::payload:
        while (!q.frames().empty() &&
               (body.empty() || body.size() + q.frames().front().bytes->size() <= o.max_payload)) {
            frame f = q.pop();
            eio::append_encoded_to_payload(body, *f.bytes, f.kind);
        }
        break;
    }
    co_return co_await respond(ex, o, http::status::ok, "text/plain; charset=UTF-8",
                               std::move(body));
}

asio::awaitable<connection_next> serve_poll_post(std::shared_ptr<eio_session> s,
                                                 http_exchange& ex) {
    const auto& o = s->owner().options();
    auto acts = s->feed(eio::input::post_arrived{});
    if (const auto* e = find_action<act::reply_error>(acts))
        co_return co_await respond_error(ex, o, e->error);
    auto packets = eio::decode_payload(ex.request.body(), o.max_payload);
    if (!packets) {
        acts =
            s->feed(eio::input::bad_payload{packets.error() == protocol::errc::payload_too_large});
        const auto* e = find_action<act::reply_error>(acts);
        co_return co_await respond_error(ex, o, e ? e->error : eio::http_error::bad_request);
    }
    // A payload may hold thousands of packets (20,000 one-byte-argument events fit in the
    // default maxPayload): every `packets_per_yield` of them the rest waits behind whatever else
    // the shard has queued, so one connection's batch cannot stall the shard's other clients.
    const auto every = o.limits.packets_per_yield;
    std::size_t handed = 0;
    for (auto& p : *packets) {
        if (handed > 0 && handed % every == 0) {
            co_await asio::post(s->owner().get_executor(), asio::use_awaitable);
            if (s->is_closed())
                break; // closed meanwhile (by a handler, a deadline, shutdown): the rest is moot
        }
        s->receive(std::move(p));
        ++handed;
    }
    co_return co_await respond(ex, o, http::status::ok, "text/html", "ok");
}

} // namespace imedge::server
