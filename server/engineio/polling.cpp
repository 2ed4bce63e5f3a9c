// HTTP long-polling (engine.io-protocol v4, "HTTP long-polling").
#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/engineio/transports.hpp"
#include "server/http/http_util.hpp"

#include "protocol/engineio/payload.hpp"

namespace imedge::server {

using protocol::engineio::http_error;

asio::awaitable<connection_next> serve_poll_get(std::shared_ptr<eio_session> s, http_exchange& ex) {
    const auto& o = s->owner().options();
    if (s->get_pending) {
        // Two GETs at once is a protocol violation: end the session (the first GET then
        // returns with the close packet).
        s->close("transport error");
        co_return co_await respond_error(ex, o, http_error::bad_request);
    }
    s->get_pending = true;
    auto& q = s->queue();
    while (q.frames().empty() && !q.closing() && !s->noop_requested &&
           s->current_transport() == eio_session::transport::polling)
        co_await q.wait();
    s->get_pending = false;

    std::string body;
    if (s->current_transport() != eio_session::transport::polling || q.frames().empty()) {
        body.assign(
            1, s->is_closed() ? '1' : '6'); // closed with nothing queued, or released by an upgrade
    } else {
        while (!q.frames().empty() &&
               (body.empty() || body.size() + q.frames().front().bytes->size() <= o.max_payload)) {
            frame f = q.frames().pop();
            protocol::engineio::append_encoded_to_payload(body, *f.bytes, f.kind);
        }
    }
    s->noop_requested = false;
    co_return co_await respond(ex, o, http::status::ok, "text/plain; charset=UTF-8",
                               std::move(body));
}

asio::awaitable<connection_next> serve_poll_post(std::shared_ptr<eio_session> s,
                                                 http_exchange& ex) {
    const auto& o = s->owner().options();
    auto packets = protocol::engineio::decode_payload(ex.request.body(), o.max_payload);
    if (!packets) {
        s->close(packets.error() == protocol::errc::payload_too_large ? "transport error"
                                                                      : "parse error");
        co_return co_await respond_error(ex, o, http_error::bad_request);
    }
    for (auto& p : *packets)
        s->receive(std::move(p));
    co_return co_await respond(ex, o, http::status::ok, "text/html", "ok");
}

} // namespace imedge::server
