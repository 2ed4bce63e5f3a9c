// How the IM service reaches its devices, whichever transport they came by: a Socket.IO socket
// of namespace "/" or a plain WebSocket peer of /ws (docs/im-protocol.md, "Plain WebSocket").
// The IM handlers call these instead of the handler API, so one IM code path serves both.
#pragma once

#include "server/api/app.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::im {

/// What a device connected over; fixed for its life.
enum class transport : std::uint8_t { socketio, plain };

/// Close codes of /ws (4000-4999: for applications, RFC 6455 section 7.4.2).
constexpr std::uint16_t close_unauthorized = 4401; // refused or expired token
constexpr std::uint16_t close_revoked = 4403;      // the revocation hook

/// Owned by one shard_service, used on its shard only. Every call names the device by its id
/// (a Socket.IO sid, or a plain peer's id) and transport; a device that has gone is skipped.
class device_link {
public:
    explicit device_link(server::server_ref io) : io_(std::move(io)) {}

    /// Event `event` with one JSON argument `json`, to one device of this shard: a Socket.IO
    /// EVENT, or the envelope {"type":event,"data":json}.
    void emit(std::string_view id, transport via, std::string_view event, std::string json) const;
    std::optional<server::outbox_level> outbox(std::string_view id, transport via) const;
    /// False (and `f` dropped) when the device is not on this shard.
    bool when_drained(std::string_view id, transport via, std::size_t low_bytes,
                      std::function<void()> f) const;
    void enter_room(std::string_view id, transport via, std::string_view room) const;
    /// Ends the device's connection: a server-side Socket.IO disconnect, or a close frame with
    /// `code` and `reason`. The Socket.IO side reports it through on_disconnect; the plain side
    /// through its close handler.
    void end(std::string_view id, transport via, std::uint16_t code, std::string_view reason) const;

    /// Event `event` {json} to every device, on every shard, in any of the user rooms `rooms`,
    /// except the device `skip` (an id; may be empty): one Socket.IO emit and one plain
    /// publish, each encoded once.
    void emit_to_rooms(std::string_view event, std::string json, std::vector<std::string> rooms,
                       const std::string& skip = {}) const;

private:
    server::server_ref io_;
};

/// {"type":event,"data":json}: a push on /ws.
std::string push_envelope(std::string_view event, std::string_view json);

} // namespace imedge::im
