// mqtt-bench's reports: the line of each second on stderr and the final JSON object.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bench_run.h"
#include "options.h"

namespace mqtt {

/// "mqtt-bench: 3 s: 1000 sent/s, 1000 acked/s, 1000 received/s, 10 connected, p99 1.250 ms";
/// conn: "mqtt-bench: 3 s: 500 connects/s, 0 failed/s, 1500 connected, p99 0.750 ms".
std::string bench_tick_line(BenchMode mode, const BenchTick& tick);

/// The first line of --csv's file: the names of bench_csv_line()'s columns.
inline constexpr std::string_view k_bench_csv_header = "elapsed_s,sent,acked,received,connected,p99_ms\n";
inline constexpr std::string_view k_bench_conn_csv_header = "elapsed_s,connects,failed,connected,p99_ms\n";
std::string_view bench_csv_header(BenchMode mode);

/// A line of --csv's file for the second `tick` ends, e.g. "3,1000,1000,1000,10,1.250\n"
/// (conn: "3,500,0,1500,0.750\n").
std::string bench_csv_line(BenchMode mode, const BenchTick& tick);

/// --csv's file: made afresh at its path (mode 0600, never written through a link planted
/// there), the header at once, then a line a second. A write that fails is remembered, and
/// nothing more is written.
class BenchCsv {
public:
    /// Throws Failure (status 1) when the file cannot be made.
    BenchCsv(const std::string& path, BenchMode mode);
    ~BenchCsv();
    BenchCsv(const BenchCsv&) = delete;
    BenchCsv& operator=(const BenchCsv&) = delete;

    void add(const BenchTick& tick) { write(bench_csv_line(m_mode, tick)); }
    /// Closes the file; the error line when a write or the close failed, e.g. "Error:
    /// cannot write --csv file "out.csv": No space left on device.", else empty.
    std::string finish();

private:
    void write(std::string_view text);

    std::string m_path;
    BenchMode m_mode;
    int m_fd = -1;
    int m_error = 0;  ///< errno of the first failed write
};

/// The final report as one line of JSON (see mqtt-bench(1), REPORT).
std::string bench_json(const Options& options, const BenchResult& result);

/// The --require thresholds the run missed, each with what was measured, e.g.
/// "p99<20ms (measured 43.939 ms)"; a latency threshold with nothing measured is missed.
std::vector<std::string> unmet_requirements(const Options& options, const BenchResult& result);

/// The final report in a few lines for people (stderr without --json).
std::string bench_summary(const Options& options, const BenchResult& result);

}  // namespace mqtt
