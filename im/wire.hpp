// The JSON the IM service sends (docs/im-protocol.md is the contract), and small readers for
// the fields of the objects clients send.
#pragma once

#include "store/store.hpp"

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace imedge::im {

/// {"conversation","seq","ts","from","kind","body","client_id"[,"ref"]}: the `message` event.
std::string message_json(const store::message& m);
/// [{"conversation","last_seq","delivered","read","unread","others":{"delivered","read"}},...]
std::string summaries_json(const std::vector<store::conversation_summary>& list);
/// [{"user","role"},...]
std::string members_json(const std::vector<store::member>& list);
/// {"user","online","last_seen"}
std::string presence_json(const store::presence_state& p);
/// {"ok":false,"error":code}
std::string error_json(std::string_view code);

/// A string field, or nullopt when absent or not a string.
std::optional<std::string_view> string_field(simdjson::dom::object o, std::string_view name);
/// A non-negative integer field, or nullopt.
std::optional<std::uint64_t> seq_field(simdjson::dom::object o, std::string_view name);
/// The minified JSON text of a field, or nullopt when absent.
std::optional<std::string> json_field(simdjson::dom::object o, std::string_view name);

} // namespace imedge::im
