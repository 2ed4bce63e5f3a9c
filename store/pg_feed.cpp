// The text of the feed's notifications.
#include "pg_feed.hpp"

#include "pg_writer.hpp"

#include <fmt/format.h>

#include <charconv>

namespace imedge::store {
namespace {

constexpr std::size_t max_payload = 7900; // the server refuses 8000 bytes and more

bool take_number(std::string_view& s, std::uint64_t& out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc{} || end == s.data() || end == s.data() + s.size() || *end != ' ')
        return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()) + 1);
    return true;
}

} // namespace

std::vector<std::string> feed_payloads(std::string_view node,
                                       const std::vector<committed_range>& ranges) {
    std::vector<std::string> out;
    std::string head = fmt::format("{}\n", node);
    std::string current = head;
    for (const auto& r : ranges) {
        auto line =
            fmt::format("{} {} {} {}\n", r.first, r.last, r.conversation.size(), r.conversation);
        if (head.size() + line.size() > max_payload)
            continue;
        if (current.size() + line.size() > max_payload) {
            out.push_back(std::move(current));
            current = head;
        }
        current += line;
    }
    if (current.size() > head.size())
        out.push_back(std::move(current));
    return out;
}

bool parse_feed_payload(std::string_view payload, std::string& node,
                        std::vector<committed_range>& ranges) {
    auto nl = payload.find('\n');
    if (nl == std::string_view::npos || nl == 0)
        return false;
    node = std::string(payload.substr(0, nl));
    payload.remove_prefix(nl + 1);
    ranges.clear();
    while (!payload.empty()) {
        committed_range r;
        std::uint64_t size = 0;
        if (!take_number(payload, r.first) || !take_number(payload, r.last) ||
            !take_number(payload, size) || size + 1 > payload.size() || payload[size] != '\n' ||
            r.first == 0 || r.last < r.first)
            return false;
        r.conversation = std::string(payload.substr(0, size));
        payload.remove_prefix(size + 1);
        ranges.push_back(std::move(r));
    }
    return true;
}

} // namespace imedge::store
