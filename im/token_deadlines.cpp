// The ordered deadline set behind token expiry.
#include "token_deadlines.hpp"

namespace imedge::im {

bool token_deadlines::arm(const std::string& sid, std::int64_t at_ms) {
    cancel(sid);
    by_sid_.emplace(sid, at_ms);
    auto it = by_time_.emplace(at_ms, sid).first;
    return it == by_time_.begin();
}

void token_deadlines::cancel(std::string_view sid) {
    auto it = by_sid_.find(std::string(sid));
    if (it == by_sid_.end())
        return;
    by_time_.erase({it->second, it->first});
    by_sid_.erase(it);
}

std::optional<std::int64_t> token_deadlines::next() const {
    if (by_time_.empty())
        return std::nullopt;
    return by_time_.begin()->first;
}

std::vector<std::string> token_deadlines::take_due(std::int64_t now_ms) {
    std::vector<std::string> due;
    while (!by_time_.empty() && by_time_.begin()->first <= now_ms) {
        auto node = by_time_.extract(by_time_.begin());
        by_sid_.erase(node.value().second);
        due.push_back(std::move(node.value().second));
    }
    return due;
}

} // namespace imedge::im
