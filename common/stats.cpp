#include "stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <mqtt_protocol.h>
#include <unistd.h>

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

/// The nearest-rank percentile `p` of sorted `values`.
double percentile(const std::vector<double>& values, double p)
{
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace

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
    const std::string text = line + "\n";
    if (::write(STDERR_FILENO, text.data(), text.size()) < 0) {
        // Nothing more useful can be done with a failed write to stderr.
    }
}

std::string TransferStats::json(std::string_view tool, bool publisher, double duration_s)
{
    const std::uint64_t messages = publisher ? sent : received;
    const double rate = duration_s > 0.0 ? static_cast<double>(messages) / duration_s : 0.0;
    std::string out = fmt::format("{{\"tool\":\"{}\",", tool);
    if (publisher) {
        out += fmt::format("\"sent\":{},\"sent_bytes\":{},\"acknowledged\":{},\"refused\":{},", sent, sent_bytes,
                           acknowledged, refused);
    } else {
        out += fmt::format("\"received\":{},\"received_bytes\":{},", received, received_bytes);
    }
    out += fmt::format("\"duration_s\":{:.3f},\"rate\":{:.1f}", duration_s, rate);
    if (!publisher && !latencies_ms.empty()) {
        std::sort(latencies_ms.begin(), latencies_ms.end());
        out += fmt::format(",\"latency_ms\":{{\"count\":{},\"p50\":{:.3f},\"p90\":{:.3f},\"p99\":{:.3f},\"max\":{:.3f}}}",
                           latencies_ms.size(), percentile(latencies_ms, 50), percentile(latencies_ms, 90),
                           percentile(latencies_ms, 99), latencies_ms.back());
    }
    return out + "}";
}

}  // namespace mqtt
