// mqtt-bench: many clients against one broker, one loop; rates, losses and latency.
#include <cstdio>
#include <optional>
#include <unistd.h>

#include "bench_report.h"
#include "bench_run.h"
#include "diagnostics.h"
#include "exit_status.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::bench, argc, argv, [](const mqtt::Options& options) {
        // One line a second on stderr: redrawn in place on a terminal, appended elsewhere.
        const bool terminal = ::isatty(STDERR_FILENO) == 1;
        bool drawn = false;
        std::optional<mqtt::BenchCsv> csv;
        if (!options.bench.csv.empty()) csv.emplace(options.bench.csv, options.bench.mode);
        const auto on_tick = [&](const mqtt::BenchTick& tick) {
            if (csv) csv->add(tick);
            if (options.quiet) return;
            const std::string line = mqtt::bench_tick_line(options.bench.mode, tick);
            if (terminal) {
                mqtt::print_raw("\r\033[K" + line);
                drawn = true;
            } else {
                mqtt::print_line(line);
            }
        };
        mqtt::BenchResult result = mqtt::run_bench(options, on_tick);
        if (drawn) mqtt::print_raw("\r\033[K");
        if (options.json) {
            const std::string json = mqtt::bench_json(options, result) + "\n";
            std::fwrite(json.data(), 1, json.size(), stdout);
            if (std::fflush(stdout) != 0) return mqtt::Outcome{mqtt::ExitStatus::usage, "Error: cannot write the report."};
        } else if (!options.quiet) {
            mqtt::print_line(mqtt::bench_summary(options, result));
        }
        // --require: a run that went wrong keeps its status; the thresholds it missed are said too.
        mqtt::Outcome outcome = result.outcome;
        if (csv) {
            const std::string error = csv->finish();
            if (!error.empty()) {
                if (outcome.status == mqtt::ExitStatus::success) outcome.status = mqtt::ExitStatus::usage;
                outcome.text += (outcome.text.empty() ? "" : "\n") + error;
            }
        }
        const auto unmet = mqtt::unmet_requirements(options, result);
        if (!unmet.empty()) {
            std::string line = "Error: requirements not met: ";
            for (std::size_t i = 0; i < unmet.size(); ++i) line += (i > 0 ? "; " : "") + unmet[i];
            line += ".";
            if (outcome.status == mqtt::ExitStatus::success) outcome.status = mqtt::ExitStatus::requirement_failed;
            outcome.text += (outcome.text.empty() ? "" : "\n") + line;
        }
        return outcome;
    });
}
