// Writing JSON text: the one escaping function every encoder uses (parsing is simdjson's job).
#pragma once

#include <string>
#include <string_view>

namespace imedge::protocol {

/// Appends `text` as a quoted JSON string (RFC 8259 §7), escaping quotes, backslashes and
/// control characters. Bytes >= 0x80 are copied as they are (the input is expected UTF-8).
void append_json_string(std::string& out, std::string_view text);

/// Returns `text` as a quoted JSON string.
std::string json_string(std::string_view text);

} // namespace imedge::protocol
