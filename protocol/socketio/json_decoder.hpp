// Parses the JSON data of Socket.IO packets into owned args, validating what the protocol
// requires (socket.io-parser `isPayloadValid`, and its placeholders as strictly as
// `reconstructPacket`). simdjson stays behind the pimpl: this header is cheap to include.
#pragma once

#include "../error.hpp"
#include "args.hpp"
#include "event_name.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace imedge::protocol::socketio {

struct event_data {
    std::string name;
    socketio::args args;
};

/// One instance per shard: it reuses the simdjson parser's buffers, so it is not thread-safe
/// and must stay on its shard. Inputs are copied into the parser's padded buffer; the results
/// own their data.
class json_decoder {
public:
    json_decoder();
    ~json_decoder();
    json_decoder(json_decoder&&) noexcept;
    json_decoder& operator=(json_decoder&&) noexcept;

    /// EVENT / BINARY_EVENT data: a non-empty array whose first element is a string that is
    /// not a reserved name. Placeholders must match `attachments` exactly (see below).
    result<event_data> decode_event(std::string_view json, std::size_t attachments);

    /// ACK / BINARY_ACK data: an array (may be empty).
    result<args> decode_ack(std::string_view json, std::size_t attachments);

    /// CONNECT data: absent (returns "") or a JSON object (returns its minified text).
    result<std::string> decode_connect(std::string_view json);

    // Placeholders (socket.io-protocol v5 "Binary"; socket.io-parser lib/binary.ts). Any object,
    // at any depth, that has a "_placeholder" key must be exactly {"_placeholder":true,"num":N}:
    // those two keys once each, `true` itself, N an integer literal with 0 <= N < attachments.
    // Anything else is errc::bad_placeholder. The reference only demands `_placeholder === true`
    // and a number in range, but it reads duplicate keys last-wins and ignores extra keys; being
    // stricter means no object we relay is read as a different placeholder by a receiver.
    // There must be exactly `attachments` placeholders (errc::bad_attachment_count otherwise).

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace imedge::protocol::socketio
