#include "stats.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <mqtt_protocol.h>
#include <unistd.h>

#include "diagnostics.h"
#include "message_properties.h"

namespace mqtt {

namespace {

std::optional<std::int64_t> parse_nanoseconds(std::string_view text)
{
    std::int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

constexpr double k_smallest_ms = 0.001;
constexpr double k_bucket_ratio = 1.01;
constexpr std::size_t k_buckets = 2100;  // 0.001 ms * 1.01^2100 > 1000 s

/// The upper edge of each bucket, 0.001 ms * 1.01^i, by multiplication: std::pow and
/// std::log would make the tools load libm only for this.
const std::array<double, k_buckets>& upper_edges()
{
    static const std::array<double, k_buckets> edges = [] {
        std::array<double, k_buckets> e{};
        double edge = k_smallest_ms;
        for (auto& slot : e) {
            slot = edge;
            edge *= k_bucket_ratio;
        }
        return e;
    }();
    return edges;
}

}  // namespace

void LatencyHistogram::add(double ms)
{
    if (m_buckets.empty()) m_buckets.resize(k_buckets);
    // The first bucket whose upper edge is at or above `ms`; the last one holds the rest.
    const auto& edges = upper_edges();
    const auto bucket = static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), ms) - edges.begin());
    ++m_buckets[std::min(bucket, k_buckets - 1)];
    ++m_count;
    m_max = std::max(m_max, ms);
}

double LatencyHistogram::percentile(double p) const
{
    if (m_count == 0) return 0.0;
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(m_count))));
    std::uint64_t seen = 0;
    for (std::size_t bucket = 0; bucket < m_buckets.size(); ++bucket) {
        seen += m_buckets[bucket];
        // The last bucket also holds everything beyond it: only the maximum bounds it.
        if (seen >= rank) return bucket + 1 == m_buckets.size() ? m_max : std::min(upper_edges()[bucket], m_max);
    }
    return m_max;
}

std::int64_t unix_nanoseconds()
{
    std::timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

std::optional<std::int64_t> read_stamp(std::string_view payload, const mosquitto_property* properties)
{
    for (const mosquitto_property* p = properties; p; p = mosquitto_property_next(p)) {
        if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
        const auto pair = read_user_property(p);
        if (pair && pair->name.view() == k_stamp_property) return parse_nanoseconds(pair->value.view());
    }
    if (payload.substr(0, k_stamp_prefix.size()) != k_stamp_prefix) return std::nullopt;
    const auto end = payload.find(';', k_stamp_prefix.size());
    if (end == std::string_view::npos) return std::nullopt;
    return parse_nanoseconds(payload.substr(k_stamp_prefix.size(), end - k_stamp_prefix.size()));
}

void print_stats(const std::string& line)
{
    print_line(line);
}

std::string TransferStats::json(std::string_view tool, bool publisher, double duration_s) const
{
    const std::uint64_t messages = publisher ? sent : received;
    const double rate = duration_s > 0.0 ? static_cast<double>(messages) / duration_s : 0.0;
    std::string out = fmt::format("{{\"tool\":\"{}\",", tool);
    if (publisher) {
        out += fmt::format("\"sent\":{},\"sent_bytes\":{},\"acknowledged\":{},\"refused\":{},", sent, sent_bytes, acknowledged,
                           refused);
    } else {
        out += fmt::format("\"received\":{},\"received_bytes\":{},", received, received_bytes);
        if (decoding) out += fmt::format("\"undecoded\":{},", undecoded);
        if (filtering) out += fmt::format("\"not_json\":{},\"where_errors\":{},", not_json, where_errors);
        if (executing) out += fmt::format("\"commands\":{},\"commands_failed\":{},", commands, commands_failed);
    }
    out += fmt::format("\"duration_s\":{:.3f},\"rate\":{:.1f}", duration_s, rate);
    if (!publisher && latencies.count() > 0) {
        out += fmt::format(",\"latency_ms\":{{\"count\":{},\"p50\":{:.3f},\"p90\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f}}}",
                           latencies.count(), latencies.percentile(50), latencies.percentile(90), latencies.percentile(99),
                           latencies.max());
    }
    return out + "}";
}

}  // namespace mqtt
