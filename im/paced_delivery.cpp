// paced_delivery's decisions.
#include "paced_delivery.hpp"

#include <algorithm>

namespace imedge::im {

std::size_t frame_bytes_bound(const store::message& m) {
    // 42["message",{"conversation":…,"seq":…,"ts":…,"from":…,"kind":…,"body":…,"client_id":…,
    // "ref":…}]: the names, punctuation and three 20-digit numbers fit in 160 bytes; /ws's
    // {"type":"message","data":{…}} is 12 bytes longer.
    constexpr std::size_t fixed = 176;
    constexpr std::size_t escape = 6; // \u00XX
    return fixed + m.body_json.size() +
           escape * (m.conversation.size() + m.sender.size() + m.kind.size() + m.client_id.size());
}

store::message_ptr paced_delivery::next(std::size_t outbox_bytes) {
    if (queue_.empty())
        return nullptr;
    // An entry larger than the high mark goes alone into an empty outbox (which takes one frame
    // past its bound), so it can never trip the slow-reader bound either.
    if (outbox_bytes != 0 && outbox_bytes + frame_bytes_bound(*queue_.front()) > marks_.high)
        return nullptr;
    auto m = std::move(queue_.front());
    queue_.pop_front();
    return m;
}

std::size_t paced_delivery::wait_mark() const {
    if (queue_.empty())
        return marks_.low;
    auto bytes = frame_bytes_bound(*queue_.front());
    // Low enough that next() gives the head entry once the outbox is there (no busy loop).
    return bytes >= marks_.high ? 0 : std::min(marks_.low, marks_.high - bytes);
}

} // namespace imedge::im
