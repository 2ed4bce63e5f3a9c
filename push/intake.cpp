// Applying, counting and logging decoded messages.
#include "push/intake.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstdio>

namespace imedge::push {

void intake::take(outcome o, std::string_view source) {
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    if (o.dropped) {
        auto r = *o.dropped;
        counters_.drop(r);
        auto n = counters_.dropped[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
        if (n <= 100 || std::has_single_bit(n)) {
            fmt::print(stderr, "imedge: push: {} dropped a message on '{}': {} ({} so far)\n",
                       broker_, source, name(r), n);
            std::fflush(stderr);
        }
        return;
    }
    if (!o.act) {
        counters_.ignored.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    applier_.apply(std::move(*o.act));
    counters_.applied.fetch_add(1, std::memory_order_relaxed);
}

std::string intake::summary() const {
    std::string drops;
    for (std::size_t i = 0; i < counters_.dropped.size(); ++i)
        if (auto n = counters_.dropped[i].load(std::memory_order_relaxed))
            drops += fmt::format(" {}={}", name(static_cast<drop_reason>(i)), n);
    return fmt::format("{}: received {} applied {} ignored {} dropped {}{}", broker_,
                       counters_.received.load(), counters_.applied.load(),
                       counters_.ignored.load(), counters_.dropped_total(), drops);
}

} // namespace imedge::push
