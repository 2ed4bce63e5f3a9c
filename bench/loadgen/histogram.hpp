// Log-linear latency histogram (64 sub-buckets per octave, ~1.6% error) for the load generator.
// Trivially copyable so that it can live in the shared-memory block of the coordinator; one
// histogram is written by one thread only, and merged by the coordinator after the run.
#pragma once

#include <array>
#include <cstdint>

namespace imedge::bench {

class histogram {
public:
    static constexpr int sub_bits = 6;
    static constexpr std::size_t bucket_count = 2304; // values up to 2^41 ns (~36 min)

    void record(std::uint64_t value) noexcept;
    void merge(const histogram& other) noexcept;
    void clear() noexcept;

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t max() const noexcept { return max_; }
    std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
    double mean() const noexcept { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
    // Smallest recorded-bucket value v such that at least q (0..1) of the samples are <= v.
    std::uint64_t quantile(double q) const noexcept;

    // Index of the bucket holding value, and the representative (midpoint) value of a bucket.
    static std::size_t index_of(std::uint64_t value) noexcept;
    static std::uint64_t value_of(std::size_t index) noexcept;

private:
    std::array<std::uint64_t, bucket_count> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
};

} // namespace imedge::bench
