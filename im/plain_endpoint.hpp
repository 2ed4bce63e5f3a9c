// The IM service over plain WebSocket at /ws (docs/im-protocol.md, "Plain WebSocket"): the same
// auth, events, storage and catch-up as the Socket.IO namespace, in JSON envelopes.
#pragma once

#include "server/api/app.hpp"

namespace imedge::im {

struct im_runtime;

/// Registers /ws on `server`: a peer presents its token in the `token` query parameter or an
/// `Authorization: Bearer` header, is refused with close code 4401 and the reason a Socket.IO
/// CONNECT_ERROR names, or becomes a device of its user; each of its text messages is one
/// request answered by one envelope. Call from register_im (it uses `runtime.services`).
void register_plain_im(server::app& server, im_runtime& runtime);

} // namespace imedge::im
