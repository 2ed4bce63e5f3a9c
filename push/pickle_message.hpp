// python-socketio's pub/sub messages (RedisManager, KombuManager): a pickled dict with
// 'method' emit / disconnect / close_room / callback, decoded with protocol/pickle and mapped to
// an action with the semantics of python-socketio 5's PubSubManager._handle_* and
// BaseManager.emit/close_room (see pubsub_manager.py, base_manager.py, server._emit_internal).
#pragma once

#include "push/action.hpp"

#include "protocol/pickle/decoder.hpp"

#include <string_view>

namespace imedge::push {

/// Decodes one message body. Never throws on bad input: refusals come back as drops.
outcome from_pickle(std::string_view bytes, const protocol::pickle::limits& l = {});

} // namespace imedge::push
