// mqtt-bench's reports: the line of each second on stderr and the final JSON object.
#pragma once

#include <string>
#include <vector>

#include "bench_run.h"
#include "options.h"

namespace mqtt {

/// "mqtt-bench: 3 s: 1000 sent/s, 1000 acked/s, 1000 received/s, 10 connected, p99 1.25 ms".
std::string bench_tick_line(const BenchTick& tick);

/// The final report as one line of JSON (see mqtt-bench(1), REPORT).
std::string bench_json(const Options& options, const BenchResult& result);

/// The --require thresholds the run missed, each with what was measured, e.g.
/// "p99<20ms (measured 43.939 ms)"; a latency threshold with nothing measured is missed.
std::vector<std::string> unmet_requirements(const Options& options, const BenchResult& result);

/// The final report in a few lines for people (stderr without --json).
std::string bench_summary(const Options& options, const BenchResult& result);

}  // namespace mqtt
