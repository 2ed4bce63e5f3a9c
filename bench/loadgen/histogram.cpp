// Log-linear histogram: exact below 128, then 64 linear sub-buckets per power of two.
#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace imedge::bench {

namespace {
constexpr std::uint64_t linear_limit = std::uint64_t{1} << (histogram::sub_bits + 1); // 128
constexpr std::uint64_t sub_count = std::uint64_t{1} << histogram::sub_bits;          // 64
constexpr std::uint64_t max_value = (std::uint64_t{1} << 41) - 1;
} // namespace

std::size_t histogram::index_of(std::uint64_t value) noexcept {
    value = std::min(value, max_value);
    if (value < linear_limit)
        return static_cast<std::size_t>(value);
    const int shift =
        std::bit_width(value) - (sub_bits + 1); // >= 1, keeps value >> shift in [64, 128)
    const std::uint64_t mantissa = (value >> shift) - sub_count;
    return static_cast<std::size_t>(linear_limit + (shift - 1) * sub_count + mantissa);
}

std::uint64_t histogram::value_of(std::size_t index) noexcept {
    if (index < linear_limit)
        return index;
    const std::uint64_t rest = index - linear_limit;
    const int shift = static_cast<int>(rest / sub_count) + 1;
    const std::uint64_t mantissa = rest % sub_count + sub_count;
    const std::uint64_t low = mantissa << shift;
    return low + (std::uint64_t{1} << (shift - 1)); // middle of [low, low + 2^shift)
}

void histogram::record(std::uint64_t value) noexcept {
    ++counts_[index_of(value)];
    ++count_;
    sum_ += value;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
}

void histogram::merge(const histogram& other) noexcept {
    for (std::size_t i = 0; i < bucket_count; ++i)
        counts_[i] += other.counts_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

void histogram::clear() noexcept {
    *this = histogram{};
}

std::uint64_t histogram::quantile(double q) const noexcept {
    if (count_ == 0)
        return 0;
    if (q >= 1.0)
        return max_;
    const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += counts_[i];
        if (seen >= std::max<std::uint64_t>(rank, 1))
            return std::clamp(value_of(i), min(), max_);
    }
    return max_;
}

} // namespace imedge::bench
