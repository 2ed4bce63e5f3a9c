// The committed feed between nodes sharing one PostgreSQL database: each writer's transaction
// sends NOTIFY on one channel, naming the node and the seq ranges it stored, and every node's
// listener reads the rows of the ranges other nodes stored and feeds them to its shards. The
// server delivers a notification at COMMIT, in commit order. Pure: the payload's text form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::store {

struct committed_range;

inline constexpr const char* feed_channel = "imedge_feed";

/// The payloads announcing `ranges` from `node`: "<node>\n" then "<first> <last> <size>
/// <conversation>" per range (the size lets an id hold any character), split so that each stays
/// under the server's 8000-byte limit. A range that cannot fit alone is left out (the nodes then
/// find it through the gap the next entry shows).
std::vector<std::string> feed_payloads(std::string_view node,
                                       const std::vector<committed_range>& ranges);

/// Parses a payload; false when it is not one (the node and ranges are then unspecified).
bool parse_feed_payload(std::string_view payload, std::string& node,
                        std::vector<committed_range>& ranges);

} // namespace imedge::store
