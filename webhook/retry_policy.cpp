// Backoff with jitter.
#include "webhook/retry_policy.hpp"

#include <algorithm>

namespace imedge::webhook {

std::chrono::milliseconds backoff_delay(const retry_policy& p, std::uint32_t retry, double unit,
                                        std::optional<std::chrono::milliseconds> retry_after) {
    using std::chrono::milliseconds;
    auto d = p.base.count();
    // Doubling stops at the cap (and long before 2^63).
    for (std::uint32_t i = 1; i < retry && d < p.cap.count(); ++i)
        d *= 2;
    d = std::min(d, p.cap.count());
    unit = std::clamp(unit, 0.0, 1.0);
    auto half = d / 2;
    auto wait = half + static_cast<std::int64_t>(unit * static_cast<double>(d - half));
    if (retry_after)
        wait = std::max(wait, retry_after->count());
    return milliseconds(std::clamp<std::int64_t>(wait, 0, p.cap.count()));
}

} // namespace imedge::webhook
