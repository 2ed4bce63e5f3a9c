// Standard base64 (RFC 4648 §4, with padding), used for binary packets over HTTP long-polling.
#pragma once

#include "error.hpp"

#include <string>
#include <string_view>

namespace imedge::protocol {

/// Appends the base64 form of `bytes` to `out`.
void append_base64(std::string& out, std::string_view bytes);

/// Decodes padded base64; anything else (bad characters, bad length) is errc::bad_base64.
result<std::string> decode_base64(std::string_view text);

} // namespace imedge::protocol
