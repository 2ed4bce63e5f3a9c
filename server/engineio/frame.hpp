// One Engine.IO packet ready to write: immutable bytes shared by every recipient of a broadcast.
#pragma once

#include "protocol/engineio/packet.hpp"

#include <memory>
#include <string>

namespace imedge::server {

using shared_bytes = std::shared_ptr<const std::string>;
using protocol::engineio::frame_kind;

/// A text frame holds the encoded Engine.IO packet ("4..." ); a binary frame holds raw bytes.
/// The same frame serves both transports: polling adds separators and base64 when it builds a
/// payload, WebSocket sends it as one message.
struct frame {
    shared_bytes bytes;
    frame_kind kind = frame_kind::text;
};

inline shared_bytes make_bytes(std::string s) {
    return std::make_shared<const std::string>(std::move(s));
}

inline frame text_frame(std::string s) {
    return {make_bytes(std::move(s)), frame_kind::text};
}
inline frame binary_frame(std::string s) {
    return {make_bytes(std::move(s)), frame_kind::binary};
}

} // namespace imedge::server
