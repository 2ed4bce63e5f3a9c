// The webhook's JSON body (docs/push-webhook.md): who gets the push, which entry, a short
// preview, the unread badge. Sans-IO: values in, text out.
#pragma once

#include "store/store.hpp"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace imedge::webhook {

/// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a UTF-8
/// sequence (continuation bytes 10xxxxxx are never split from their lead byte).
std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

struct preview {
    std::string text;
    bool truncated = false;
};

/// What a notification shows of an entry's JSON body: a string body itself, else an object's
/// string field "text", else the body's compact JSON; nothing for a delete or an unparsable
/// body. At most `max_bytes` bytes, cut on a character boundary.
preview make_preview(std::string_view kind, std::string_view body_json, std::size_t max_bytes,
                     simdjson::dom::parser& parser);

/// One push to hand off: `entry` was stored for `recipient`, who had no live device.
struct push_notice {
    store::message_ptr entry;
    std::string recipient;
    std::uint64_t badge = 0; // the recipient's unread entries over all conversations
};

/// The webhook body for `n`, naming the delivery `id` (the same on every attempt).
std::string payload_json(const push_notice& n, std::string_view id, std::size_t preview_bytes,
                         simdjson::dom::parser& parser);

} // namespace imedge::webhook
