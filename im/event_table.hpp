// The IM events (docs/im-protocol.md) and the shard_service handler of each: one table that both
// transports dispatch through, Socket.IO events by name and /ws envelopes by "type".
#pragma once

#include "shard_service.hpp"

#include <span>
#include <string_view>

namespace imedge::im {

struct im_event {
    std::string_view name;
    void (*handle)(shard_service&, server::event&);
};

/// Every event a client may send, in the order of docs/im-protocol.md. Static and immutable.
std::span<const im_event> im_events();

/// The handler of `name`, or nullptr when no IM event has that name.
const im_event* find_im_event(std::string_view name);

} // namespace imedge::im
