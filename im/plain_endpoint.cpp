// /ws: a plain WebSocket peer's open (authentication), its requests (each one handed to the IM
// event handler of its type, with an ack that answers in an envelope) and its close.
#include "plain_endpoint.hpp"

#include "event_table.hpp"
#include "im_app.hpp"
#include "plain_envelope.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

namespace imedge::im {
namespace {

using protocol::engineio::frame_kind;
using server::websocket_peer;

/// This shard's parser for /ws envelopes (the service's own one is private to its handlers).
struct envelope_parser {
    simdjson::dom::parser parser;
};

std::string token_of(const server::handshake_info& h) {
    if (auto q = h.query_param("token"); q && !q->empty())
        return std::string(*q);
    constexpr std::string_view bearer = "Bearer ";
    if (auto a = h.header("authorization"); a && a->starts_with(bearer))
        return std::string(a->substr(bearer.size()));
    return {};
}

void on_open(im_runtime& rt, websocket_peer& peer, const server::handshake_info& h) {
    auto& service = *rt.services[peer.io().shard_index()];
    auto verdict = service.authenticate(token_of(h));
    if (auto* failure = std::get_if<auth_failure>(&verdict))
        return peer.close(close_unauthorized, reason_name(*failure));
    auto user = std::get<verified_token>(verdict).user;
    peer.send(
        push_envelope("connected", fmt::format(R"({{"user":{}}})", protocol::json_string(user))),
        frame_kind::text);
    service.admit(peer.id(), transport::plain, std::move(std::get<verified_token>(verdict)));
}

protocol::socketio::json_kind kind_of(simdjson::dom::element_type t) {
    using protocol::socketio::json_kind;
    using simdjson::dom::element_type;
    switch (t) {
    case element_type::OBJECT:
        return json_kind::object;
    case element_type::ARRAY:
        return json_kind::array;
    case element_type::STRING:
        return json_kind::string;
    case element_type::BOOL:
        return json_kind::boolean;
    case element_type::NULL_VALUE:
        return json_kind::null;
    default:
        return json_kind::number;
    }
}

// The request as the Socket.IO event it mirrors: its data as the one argument, and an ack that
// answers with an envelope to the peer (if it is still open then).
// (No IM event takes a string argument, so `text` stays empty.)
server::event event_of(websocket_peer& peer, plain_request& r) {
    server::event e{peer.io(), peer.id(), r.type, {}, {}};
    if (r.data_json) {
        protocol::socketio::arg a;
        a.kind = kind_of(r.data_type);
        a.json = std::move(*r.data_json);
        e.args.items.push_back(std::move(a));
    }
    e.ack = server::ack_sender([io = peer.io(), id = peer.id(),
                                request = std::move(r.id_json)](const server::payload& answer) {
        if (auto* p = io.plain_peer(id))
            p->send(ack_envelope(request,
                                 answer.items().empty() ? std::string_view() : answer.items()[0]),
                    frame_kind::text);
    });
    return e;
}

void on_message(im_runtime& rt, websocket_peer& peer, std::string_view text, frame_kind kind) {
    auto& service = *rt.services[peer.io().shard_index()];
    const auto* user = service.user_of(peer.id());
    if (!user)
        return; // refused at open: its close is on the way
    if (kind != frame_kind::text)
        return peer.send(error_envelope({}, "not_text"), frame_kind::text);
    auto& parser = peer.io().local<envelope_parser>().parser;
    auto decoded = decode_plain_request(text, parser);
    if (auto* refusal = std::get_if<plain_refusal>(&decoded))
        return peer.send(error_envelope(refusal->id_json, refusal->code), frame_kind::text);
    auto& request = std::get<plain_request>(decoded);
    const auto* handler = find_im_event(request.type);
    if (!handler)
        return peer.send(error_envelope(request.id_json, "unknown_type"), frame_kind::text);
    if (request.seed_sender && *request.seed_sender != *user)
        return peer.send(error_envelope(request.id_json, "wrong_sender"), frame_kind::text);
    auto e = event_of(peer, request);
    handler->handle(service, e);
}

} // namespace

void register_plain_im(server::app& server, im_runtime& rt) {
    server.per_shard<envelope_parser>([](std::size_t) { return envelope_parser(); });
    server.websocket("/ws", server::websocket_handlers{
                                [&rt](websocket_peer& peer, const server::handshake_info& h) {
                                    on_open(rt, peer, h);
                                },
                                [&rt](websocket_peer& peer, std::string_view data,
                                      frame_kind kind) { on_message(rt, peer, data, kind); },
                                [&rt](const server::server_ref& io, std::string_view id) {
                                    rt.services[io.shard_index()]->on_disconnect(id);
                                }});
}

} // namespace imedge::im
