#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "histogram.h"

namespace {

/// The nearest-rank percentile of `sorted` values, the reference the histogram must match.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p)
{
    return sorted[mqtt::Histogram::nearest_rank(p, sorted.size()) - 1];
}

/// The histogram's answer is the exact one or above it by less than 1/1024 of it (3
/// significant digits), and never above the maximum.
void check_against_reference(const mqtt::Histogram& h, std::vector<std::uint64_t> values)
{
    std::sort(values.begin(), values.end());
    REQUIRE(h.count() == values.size());
    CHECK(h.min() == values.front());
    CHECK(h.max() == values.back());
    for (double p : {0.1, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0}) {
        const std::uint64_t exact = exact_percentile(values, p);
        const std::uint64_t got = h.percentile(p);
        CAPTURE(p);
        CAPTURE(exact);
        CAPTURE(got);
        CHECK(got >= exact);
        CHECK((got - exact) * 1024 <= exact);
        CHECK(got <= h.max());
        CHECK(got == std::min(mqtt::Histogram::highest_equivalent(exact), h.max()));
    }
}

}  // namespace

TEST_CASE("Histogram: empty")
{
    const mqtt::Histogram h;
    CHECK(h.count() == 0);
    CHECK(h.min() == 0);
    CHECK(h.max() == 0);
    CHECK(h.mean() == 0.0);
    CHECK(h.percentile(50) == 0);
    CHECK(h.percentile(100) == 0);
}

TEST_CASE("Histogram: nearest rank, without decimal fractions rounding up a rank")
{
    CHECK(mqtt::Histogram::nearest_rank(50, 1000) == 500);
    CHECK(mqtt::Histogram::nearest_rank(99.9, 1000) == 999);
    CHECK(mqtt::Histogram::nearest_rank(99.99, 10000) == 9999);
    CHECK(mqtt::Histogram::nearest_rank(99.99, 1000) == 1000);
    CHECK(mqtt::Histogram::nearest_rank(0.001, 1000) == 1);
    CHECK(mqtt::Histogram::nearest_rank(100, 7) == 7);
    CHECK(mqtt::Histogram::nearest_rank(150, 7) == 7);
    CHECK(mqtt::Histogram::nearest_rank(0, 7) == 1);
    CHECK(mqtt::Histogram::nearest_rank(50, 0) == 0);
}

TEST_CASE("Histogram: values below 2048 are exact, one bucket each")
{
    mqtt::Histogram h;
    for (std::uint64_t v = 0; v < 2048; ++v) {
        CHECK(mqtt::Histogram::lowest_equivalent(v) == v);
        CHECK(mqtt::Histogram::highest_equivalent(v) == v);
        h.record(v);
    }
    CHECK(h.count() == 2048);
    CHECK(h.percentile(50) == 1023);
    CHECK(h.percentile(100) == 2047);
    CHECK(h.mean() == doctest::Approx(1023.5));
}

TEST_CASE("Histogram: every bucket is narrower than 1/1024 of its values (3 significant digits)")
{
    // Bucket edges: 2048 starts the first 2-wide buckets, 4096 the 4-wide ones, ...
    CHECK(mqtt::Histogram::lowest_equivalent(2049) == 2048);
    CHECK(mqtt::Histogram::highest_equivalent(2048) == 2049);
    CHECK(mqtt::Histogram::lowest_equivalent(4099) == 4096);
    CHECK(mqtt::Histogram::highest_equivalent(4096) == 4099);
    CHECK(mqtt::Histogram::highest_equivalent(1000000) == 1000447);  // 1 ms: 512 ns wide
    std::mt19937_64 random(16);
    for (int i = 0; i < 100000; ++i) {
        const std::uint64_t v = random() >> (20 + random() % 44);  // every magnitude below 2^44
        const std::uint64_t low = mqtt::Histogram::lowest_equivalent(v);
        const std::uint64_t high = mqtt::Histogram::highest_equivalent(v);
        CAPTURE(v);
        REQUIRE(low <= v);
        REQUIRE(v <= high);
        REQUIRE((high - low) * 1024 <= low);
        // The buckets tile the range (above it, everything shares the last one).
        if (high < mqtt::Histogram::k_highest_trackable) REQUIRE(mqtt::Histogram::lowest_equivalent(high + 1) == high + 1);
    }
}

TEST_CASE("Histogram: percentiles against a sorted array, on random latencies of several shapes")
{
    std::mt19937_64 random(1729);
    SUBCASE("uniform over 1 us .. 1 s")
    {
        std::uniform_int_distribution<std::uint64_t> uniform(1000, 1000000000);
        mqtt::Histogram h;
        std::vector<std::uint64_t> values;
        for (int i = 0; i < 200000; ++i) values.push_back(uniform(random));
        for (auto v : values) h.record(v);
        check_against_reference(h, values);
    }
    SUBCASE("log-normal around 2 ms with a long tail")
    {
        std::lognormal_distribution<double> lognormal(14.5, 1.5);
        mqtt::Histogram h;
        std::vector<std::uint64_t> values;
        for (int i = 0; i < 200000; ++i) {
            values.push_back(
                std::min<std::uint64_t>(static_cast<std::uint64_t>(lognormal(random)), mqtt::Histogram::k_highest_trackable));
        }
        for (auto v : values) h.record(v);
        check_against_reference(h, values);
    }
    SUBCASE("few distinct values, many times each")
    {
        mqtt::Histogram h;
        std::vector<std::uint64_t> values;
        for (std::uint64_t i = 0; i < 10000; ++i) values.push_back(i % 10 == 0 ? 50000000 : 250000 + i % 3);
        for (auto v : values) h.record(v);
        check_against_reference(h, values);
        CHECK(h.percentile(90) == mqtt::Histogram::highest_equivalent(250002));
        CHECK(h.percentile(91) == 50000000);  // the bucket's top, cut to the maximum
    }
}

TEST_CASE("Histogram: record with a count, merge, reset: counts exact")
{
    std::mt19937_64 random(7);
    std::uniform_int_distribution<std::uint64_t> uniform(0, 100000000);
    mqtt::Histogram a;
    mqtt::Histogram b;
    mqtt::Histogram both;
    std::vector<std::uint64_t> values;
    for (int i = 0; i < 50000; ++i) {
        const std::uint64_t v = uniform(random);
        (i % 3 == 0 ? a : b).record(v);
        both.record(v);
        values.push_back(v);
    }
    a.record(123456, 1000);
    both.record(123456, 1000);
    values.insert(values.end(), 1000, 123456);
    a.merge(b);
    CHECK(a.count() == 51000);
    check_against_reference(a, values);
    for (double p : {1.0, 50.0, 99.0, 99.99}) CHECK(a.percentile(p) == both.percentile(p));
    CHECK(a.mean() == doctest::Approx(both.mean()));
    mqtt::Histogram empty;
    a.merge(empty);
    CHECK(a.count() == 51000);
    empty.merge(b);
    CHECK(empty.min() == b.min());
    CHECK(empty.max() == b.max());
    a.record(5, 0);  // a count of 0 records nothing, not even a minimum
    CHECK(a.min() == both.min());
    a.reset();
    CHECK(a.count() == 0);
    CHECK(a.percentile(99) == 0);
    a.record(42);
    CHECK(a.min() == 42);
    CHECK(a.percentile(1) == 42);
}

TEST_CASE("Histogram: extremes: zero, the top of the range and beyond it")
{
    mqtt::Histogram h;
    h.record(0);
    CHECK(h.percentile(100) == 0);
    h.record(mqtt::Histogram::k_highest_trackable);
    CHECK(h.percentile(100) == mqtt::Histogram::k_highest_trackable);
    h.record(UINT64_MAX);  // beyond: counted in the last bucket, which reports the maximum
    CHECK(h.count() == 3);
    CHECK(h.max() == UINT64_MAX);
    CHECK(h.percentile(100) == UINT64_MAX);
    CHECK(h.percentile(34) == UINT64_MAX);
    CHECK(h.percentile(33) == 0);
    CHECK(h.percentile(0) == 0);
    mqtt::Histogram big;
    big.record(UINT64_MAX, UINT64_MAX / 2);
    CHECK(big.count() == UINT64_MAX / 2);
    CHECK(big.min() == UINT64_MAX);
}
