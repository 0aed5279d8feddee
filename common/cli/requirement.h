// mqtt-bench --require: thresholds a run must meet, e.g. "p99<20ms,lost=0,rate>=4500",
// parsed when the options are read; common/bench checks them against what it measured.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt {

/// One threshold: a measured quantity, a comparison and a value.
struct Requirement {
    enum class Op { less, less_equal, greater, greater_equal, equal };
    std::string text;  ///< as given, e.g. "p99<20ms"
    std::string name;  ///< p50 p90 p99 p99.9 p99.99 max, a counter, or rate
    Op op = Op::equal;
    double value = 0.0;  ///< latencies in nanoseconds, rates per second, counts as they are

    /// Whether the quantity is a latency percentile (or max).
    bool latency() const;
    /// Whether `measured` meets it.
    bool met_by(double measured) const;
};

/// The names --require knows, for its error line: "p50, p90, ..., rate".
std::string requirement_names();

/// Parses a comma-separated list of requirements: NAME OP VALUE, OP one of < <= > >= =,
/// latencies with a unit (us, ms, s; none: ms), counts as integers, rate in messages per
/// second. The error text names the part that is wrong.
Result<std::vector<Requirement>> parse_requirements(std::string_view text);

}  // namespace mqtt
