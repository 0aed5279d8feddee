// --stats: what a run moved, as the one JSON object printed on stderr at the end, and
// --stamp: the send time a publisher puts into each message so that a subscriber can
// measure latency (an MQTT 5 user property, or a payload prefix with MQTT 3).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mosquitto.h>

namespace mqtt {

/// The user property --stamp adds (MQTT 5), its value the send time in nanoseconds since
/// the epoch, in decimal.
inline constexpr const char* k_stamp_property = "mqtt-tools-stamp";
/// With MQTT 3 --stamp puts "stamp:<nanoseconds>;" in front of the payload.
inline constexpr std::string_view k_stamp_prefix = "stamp:";

/// The real-time clock in nanoseconds since the epoch (comparable across processes).
std::int64_t unix_nanoseconds();

/// The send time of a message stamped by --stamp: from the user property, else from a
/// payload prefix; nullopt when it carries none.
std::optional<std::int64_t> read_stamp(std::string_view payload, const mosquitto_property* properties);

/// Latencies in milliseconds, in memory that does not grow with their number (an endless
/// subscription): buckets 1 % wide from 1 us to about 1000 s, so a percentile is within
/// 1 % of the exact one.
class LatencyHistogram {
public:
    /// Adds one latency; below 1 us (clocks apart: even negative) counts as 1 us.
    void add(double ms);
    std::uint64_t count() const { return m_count; }
    /// The nearest-rank percentile `p` (0-100], as the upper edge of its bucket, at most max().
    double percentile(double p) const;
    double max() const { return m_max; }

private:
    std::vector<std::uint64_t> m_buckets;
    std::uint64_t m_count = 0;
    double m_max = 0.0;
};

/// Counters of one run; json() renders them.
struct TransferStats {
    std::uint64_t sent = 0;
    std::uint64_t sent_bytes = 0;
    std::uint64_t acknowledged = 0;  ///< QoS 1/2: acknowledged; QoS 0: written
    std::uint64_t refused = 0;
    std::uint64_t received = 0;
    std::uint64_t received_bytes = 0;
    std::uint64_t undecoded = 0;        ///< payloads that did not --decode
    bool decoding = false;              ///< --decode was given: "undecoded" is printed
    std::uint64_t not_json = 0;         ///< --where: payloads that were not JSON
    std::uint64_t where_errors = 0;     ///< --where: messages on which the expression raised an error
    bool filtering = false;             ///< --where was given: "not_json" and "where_errors" are printed
    std::uint64_t commands = 0;         ///< --exec: commands that ended (or could not start)
    std::uint64_t commands_failed = 0;  ///< --exec: of those, the ones that failed
    bool executing = false;             ///< --exec was given: "commands" and "commands_failed" are printed
    LatencyHistogram latencies;         ///< of received messages that carried a stamp

    /// One line: {"tool":..., counters ("undecoded" with --decode, "not_json" and
    /// "where_errors" with --where, "commands" and "commands_failed" with --exec), "duration_s", "rate" (messages per second), and
    /// for a subscriber "latency_ms" with count, p50, p90, p99 and max when any message
    /// was stamped}.
    std::string json(std::string_view tool, bool publisher, double duration_s) const;
};

/// Writes `line` and a newline to stderr (the --stats line; printed even with --quiet,
/// which silences errors, not what was asked for).
void print_stats(const std::string& line);

}  // namespace mqtt
