// Small helpers every IM event handler uses: answering an ack, and checking a user id a client
// names. Header-only; used by the handler sources compiled into the binary.
#pragma once

#include "wire.hpp"

#include "server/api/handlers.hpp"
#include "store/store.hpp"

#include <string>
#include <string_view>

namespace imedge::im {

constexpr std::size_t max_user_id = 256;

/// A user id a client may name: what a token may carry (non-empty, at most 256 bytes, no ':').
inline bool valid_user(std::string_view user) {
    return !user.empty() && user.size() <= max_user_id && user.find(':') == std::string_view::npos;
}

/// Answers the ack with `json`, when the client asked for one.
inline void reply(server::ack_sender& ack, std::string json) {
    if (ack)
        ack(server::payload().add_json(std::move(json)));
}

inline void reply_error(server::ack_sender& ack, store::status s) {
    reply(ack, error_json(store::error_name(s)));
}

} // namespace imedge::im
