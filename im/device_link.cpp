// Each device operation, once per transport.
#include "device_link.hpp"

#include "protocol/json_text.hpp"

#include <fmt/format.h>

namespace imedge::im {

using protocol::engineio::frame_kind;
using server::payload;

std::string push_envelope(std::string_view event, std::string_view json) {
    return fmt::format(R"({{"type":{},"data":{}}})", protocol::json_string(event), json);
}

void device_link::emit(std::string_view id, transport via, std::string_view event,
                       std::string json) const {
    if (via == transport::socketio) {
        io_.emit_local(id, event, payload().add_json(std::move(json)));
    } else if (auto* peer = io_.plain_peer(id)) {
        peer->send(push_envelope(event, json), frame_kind::text);
    }
}

std::optional<server::outbox_level> device_link::outbox(std::string_view id, transport via) const {
    if (via == transport::socketio)
        return io_.outbox(id);
    if (auto* peer = io_.plain_peer(id))
        return peer->outbox();
    return std::nullopt;
}

bool device_link::when_drained(std::string_view id, transport via, std::size_t low_bytes,
                               std::function<void()> f) const {
    if (via == transport::socketio)
        return io_.when_drained(id, low_bytes, std::move(f));
    auto* peer = io_.plain_peer(id);
    if (!peer)
        return false;
    peer->when_drained(low_bytes, std::move(f));
    return true;
}

void device_link::enter_room(std::string_view id, transport via, std::string_view room) const {
    if (via == transport::socketio)
        io_.enter_room(id, room);
    else if (auto* peer = io_.plain_peer(id))
        peer->join(room);
}

void device_link::end(std::string_view id, transport via, std::uint16_t code,
                      std::string_view reason) const {
    if (via == transport::socketio)
        io_.disconnect(id);
    else if (auto* peer = io_.plain_peer(id))
        peer->close(code, reason);
}

void device_link::emit_to_rooms(std::string_view event, std::string json,
                                std::vector<std::string> rooms, const std::string& skip) const {
    auto envelope = push_envelope(event, json);
    server::emit_options to{.to = rooms, .skip = {}};
    if (!skip.empty())
        to.skip.push_back(skip);
    io_.emit(event, payload().add_json(std::move(json)), to);
    io_.publish_plain(std::move(rooms), std::move(envelope), skip);
}

} // namespace imedge::im
