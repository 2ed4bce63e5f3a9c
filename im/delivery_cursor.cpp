// The delivery cursor's transitions.
#include "delivery_cursor.hpp"

#include <algorithm>

namespace imedge::im {

void delivery_cursor::take(const store::message_ptr& entry, cursor_step& step) {
    if (entry->seq != delivered_ + 1)
        return;
    step.deliver.push_back(entry);
    delivered_ = entry->seq;
}

void delivery_cursor::drain(cursor_step& step) {
    while (!held_.empty() && held_.begin()->first <= delivered_ + 1) {
        take(held_.begin()->second, step);
        held_.erase(held_.begin());
    }
}

void delivery_cursor::fetch_if_behind(cursor_step& step) {
    if (fetching_ || delivered_ >= known_last_)
        return;
    fetching_ = true;
    step.fetch_after = delivered_;
}

cursor_step delivery_cursor::expect(std::uint64_t last_seq) {
    cursor_step step;
    known_last_ = std::max(known_last_, last_seq);
    fetch_if_behind(step);
    return step;
}

cursor_step delivery_cursor::on_live(const store::message_ptr& entry) {
    cursor_step step;
    known_last_ = std::max(known_last_, entry->seq);
    if (entry->seq <= delivered_)
        return step;
    if (!fetching_ && entry->seq == delivered_ + 1) {
        take(entry, step);
        drain(step);
        return step;
    }
    if (held_.size() < hold_limit_)
        held_.emplace(entry->seq, entry);
    fetch_if_behind(step);
    return step;
}

cursor_step delivery_cursor::on_fetched(const std::vector<store::message_ptr>& page) {
    cursor_step step;
    fetching_ = false;
    for (const auto& entry : page)
        take(entry, step);
    drain(step);
    if (page.empty()) {
        // The store has nothing after the cursor: what is held cannot be reached; forget it
        // rather than ask again forever (a later live entry starts a new fetch).
        held_.clear();
        known_last_ = delivered_;
        return step;
    }
    fetch_if_behind(step);
    return step;
}

void delivery_cursor::on_fetch_failed() {
    fetching_ = false;
    held_.clear();
    known_last_ = delivered_;
}

} // namespace imedge::im
