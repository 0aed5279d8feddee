// mqtt-bench's latency histogram: HdrHistogram's log-linear layout with 3 significant
// digits, in fixed memory, with exact counts. Debian has no C/C++ HdrHistogram.
#pragma once

#include <cstdint>
#include <vector>

namespace mqtt {

/// Counts of non-negative integer values (mqtt-bench records nanoseconds) in buckets whose
/// width is at most 1/1024 of the values they hold: each value from 0 to 2047 has its own
/// bucket, then each power of two [2^k, 2^(k+1)) is split into 1024 equal buckets. A
/// reported value is the highest one equivalent to the recorded ones (never below the
/// exact value, above it by less than 0.1 %) and never above the largest value recorded.
/// The memory is fixed at construction (about 280 KiB); counts, minimum and maximum are exact.
class Histogram {
public:
    /// Values above this (about 4.9 hours in nanoseconds) share the last bucket, whose
    /// percentiles report the maximum (which keeps the value).
    static constexpr std::uint64_t k_highest_trackable = (std::uint64_t{1} << 44) - 1;

    Histogram();

    /// Counts `value` `count` times.
    void record(std::uint64_t value, std::uint64_t count = 1);
    /// Adds every count of `other` (same layout: every Histogram has it).
    void merge(const Histogram& other);
    /// Forgets everything recorded (for per-interval histograms).
    void reset();

    std::uint64_t count() const { return m_count; }
    /// The smallest and largest values recorded; 0 when empty.
    std::uint64_t min() const { return m_count == 0 ? 0 : m_min; }
    std::uint64_t max() const { return m_max; }
    /// The mean of the recorded values at bucket resolution (each counted as its bucket's
    /// middle); 0 when empty.
    double mean() const;
    /// The nearest-rank percentile `p` in (0, 100]: the highest value equivalent to the
    /// value of rank ceil(p / 100 * count), at most max(); p <= 0 gives min(); 0 when empty.
    std::uint64_t percentile(double p) const;

    /// The smallest and largest values that share a bucket with `value`.
    static std::uint64_t lowest_equivalent(std::uint64_t value);
    static std::uint64_t highest_equivalent(std::uint64_t value);
    /// The nearest rank of percentile `p` among `count` values, ceil(p / 100 * count) in
    /// 1..count, without the rounding that would make p99.9 of 1000 values rank 1000.
    static std::uint64_t nearest_rank(double p, std::uint64_t count);

private:
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_count = 0;
    std::uint64_t m_min = 0;
    std::uint64_t m_max = 0;
};

}  // namespace mqtt
