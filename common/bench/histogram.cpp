#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mqtt {

namespace {

// 2048 sub-buckets (2 * 10^3 rounded up to a power of two) give 3 significant digits.
constexpr unsigned k_sub_bucket_bits = 11;
constexpr std::uint64_t k_sub_buckets = std::uint64_t{1} << k_sub_bucket_bits;  // 2048
constexpr std::uint64_t k_half = k_sub_buckets / 2;                             // 1024
constexpr unsigned k_top_bucket = 44 - k_sub_bucket_bits;                       // values below 2^44
constexpr std::size_t k_slots = (k_top_bucket + 2) * k_half;

/// The power-of-two bucket of `value`: 0 for values below 2048, k for [2^(k+10), 2^(k+11)).
unsigned bucket_of(std::uint64_t value)
{
    return static_cast<unsigned>(std::bit_width(value | (k_sub_buckets - 1))) - k_sub_bucket_bits;
}

std::size_t slot_of(std::uint64_t value)
{
    value = std::min(value, Histogram::k_highest_trackable);
    const unsigned bucket = bucket_of(value);
    return static_cast<std::size_t>(bucket * k_half + (value >> bucket));
}

/// The lowest value of slot `slot` and the width of its bucket.
std::uint64_t slot_lowest(std::size_t slot, std::uint64_t& width)
{
    if (slot < k_sub_buckets) {
        width = 1;
        return slot;
    }
    const auto bucket = static_cast<unsigned>(slot / k_half - 1);
    width = std::uint64_t{1} << bucket;
    return (slot - bucket * k_half) << bucket;
}

}  // namespace

Histogram::Histogram() : m_counts(k_slots, 0) {}

void Histogram::record(std::uint64_t value, std::uint64_t count)
{
    if (count == 0) return;
    m_counts[slot_of(value)] += count;
    m_min = m_count == 0 ? value : std::min(m_min, value);
    m_max = std::max(m_max, value);
    m_count += count;
}

void Histogram::merge(const Histogram& other)
{
    if (other.m_count == 0) return;
    for (std::size_t slot = 0; slot < k_slots; ++slot) m_counts[slot] += other.m_counts[slot];
    m_min = m_count == 0 ? other.m_min : std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_count += other.m_count;
}

void Histogram::reset()
{
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_count = m_min = m_max = 0;
}

double Histogram::mean() const
{
    if (m_count == 0) return 0.0;
    double total = 0.0;
    for (std::size_t slot = 0; slot < k_slots; ++slot) {
        if (m_counts[slot] == 0) continue;
        std::uint64_t width = 0;
        const std::uint64_t lowest = slot_lowest(slot, width);
        total += static_cast<double>(m_counts[slot]) * (static_cast<double>(lowest) + static_cast<double>(width - 1) / 2.0);
    }
    return total / static_cast<double>(m_count);
}

std::uint64_t Histogram::percentile(double p) const
{
    if (m_count == 0) return 0;
    if (!(p > 0.0)) return m_min;
    const std::uint64_t rank = nearest_rank(p, m_count);
    std::uint64_t seen = 0;
    for (std::size_t slot = 0; slot < k_slots; ++slot) {
        seen += m_counts[slot];
        if (seen >= rank) {
            // The last slot also holds every value beyond the range: only the maximum bounds it.
            if (slot + 1 == k_slots) return m_max;
            std::uint64_t width = 0;
            const std::uint64_t lowest = slot_lowest(slot, width);
            return std::min(lowest + width - 1, m_max);
        }
    }
    return m_max;
}

std::uint64_t Histogram::nearest_rank(double p, std::uint64_t count)
{
    if (count == 0) return 0;
    const double exact = std::clamp(p, 0.0, 100.0) * static_cast<double>(count) / 100.0;
    // p is a decimal fraction that binary floating point only approximates (99.9 is a
    // little above): a relative 1e-9 below the product absorbs that, far below one rank.
    const double wanted = std::ceil(exact - exact * 1e-9);
    return std::clamp<std::uint64_t>(static_cast<std::uint64_t>(wanted), 1, count);
}

std::uint64_t Histogram::lowest_equivalent(std::uint64_t value)
{
    std::uint64_t width = 0;
    return slot_lowest(slot_of(value), width);
}

std::uint64_t Histogram::highest_equivalent(std::uint64_t value)
{
    std::uint64_t width = 0;
    const std::uint64_t lowest = slot_lowest(slot_of(value), width);
    return lowest + width - 1;
}

}  // namespace mqtt
