#include "bench_report.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <variant>
#include <fmt/format.h>
#include <unistd.h>

#include "error.h"
#include "exit_status.h"
#include "json.h"
#include "safe_file.h"

namespace mqtt {

namespace {

const char* mode_name(BenchMode mode)
{
    switch (mode) {
    case BenchMode::conn: return "conn";
    case BenchMode::pub: return "pub";
    case BenchMode::sub: return "sub";
    case BenchMode::pubsub: break;
    }
    return "pubsub";
}

/// Nanoseconds as milliseconds with microsecond digits, for JSON and people alike.
std::string milliseconds(std::uint64_t ns)
{
    return fmt::format("{:.3f}", static_cast<double>(ns) / 1e6);
}

double per_second(std::uint64_t count, double seconds)
{
    return seconds > 0.0 ? static_cast<double>(count) / seconds : 0.0;
}

/// The percentiles of `histogram` in milliseconds, as one JSON object.
void latency_object(JsonWriter& json, const Histogram& histogram)
{
    json.begin_object();
    json.key("count");
    json.number(histogram.count());
    constexpr std::pair<const char*, double> k_percentiles[] = {
        {"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p99.9", 99.9}, {"p99.99", 99.99}};
    for (const auto& [name, p] : k_percentiles) {
        json.key(name);
        json.raw(milliseconds(histogram.percentile(p)));
    }
    json.key("max");
    json.raw(milliseconds(histogram.max()));
    json.end_object();
}

/// The summary's lines of the streams that lost, duplicated or reordered messages, the first
/// k_summary_streams of them, e.g. "\n  publisher 3: sent 10, received 8, lost 2, duplicated
/// 0, reordered 0"; nothing when every stream was clean. A stream of another run than the
/// first one's says its run: "run 1234 publisher 3".
std::string stream_lines(const std::vector<BenchStream>& streams)
{
    constexpr std::size_t k_summary_streams = 10;
    std::string text;
    std::size_t shown = 0, uneven = 0;
    const bool one_run = streams.empty() || streams.front().key.first == streams.back().key.first;  // sorted by run
    for (const auto& stream : streams) {
        const StreamCounts& c = stream.counts;
        if (c.lost == 0 && c.duplicated == 0 && c.reordered == 0) continue;
        if (++uneven > k_summary_streams) continue;
        ++shown;
        text += one_run ? fmt::format("\n    publisher {}: ", stream.key.second)
                        : fmt::format("\n    run {} publisher {}: ", stream.key.first, stream.key.second);
        if (stream.sent) text += fmt::format("sent {}, ", *stream.sent);
        text += fmt::format("received {}, lost {}, duplicated {}, reordered {}", c.received, c.lost, c.duplicated, c.reordered);
    }
    if (uneven == 0) return text;
    std::string head = fmt::format("\n  streams that lost, duplicated or reordered messages: {} of {}", uneven, streams.size());
    if (uneven > shown) text += fmt::format("\n    and {} more (--json lists every stream)", uneven - shown);
    return head + text;
}

}  // namespace

std::vector<std::string> unmet_requirements(const Options& options, const BenchResult& r)
{
    std::vector<std::string> unmet;
    const BenchMode mode = options.bench.mode;
    const Histogram& latency = mode == BenchMode::conn ? r.connect_latency
                               : mode == BenchMode::pub ? r.ack_latency
                                                        : r.receive_latency;
    const auto sum = [](const auto& map) {
        std::uint64_t n = 0;
        for (const auto& [key, count] : map) n += count;
        return n;
    };
    for (const auto& req : options.bench.require) {
        double measured = 0.0;
        std::string shown;
        if (req.latency()) {
            if (latency.count() == 0) {
                unmet.push_back(req.text + " (no latency measured)");
                continue;
            }
            const std::uint64_t ns = req.name == "max" ? latency.max() : latency.percentile(std::stod(req.name.substr(1)));
            measured = static_cast<double>(ns);
            shown = milliseconds(ns) + " ms";
        } else if (req.name == "rate" && mode == BenchMode::conn) {
            measured = per_second(r.connected, r.connect_seconds);
            shown = fmt::format("{:.1f}/s", measured);
        } else if (req.name == "rate") {
            measured = per_second(mode == BenchMode::sub ? r.streams.received : r.sent, r.seconds);
            shown = fmt::format("{:.1f}/s", measured);
        } else {
            const std::pair<const char*, std::uint64_t> counters[] = {
                {"lost", r.streams.lost},         {"duplicated", r.streams.duplicated},
                {"reordered", r.streams.reordered}, {"received", r.streams.received},
                {"foreign", r.streams.foreign},   {"sent", r.sent},
                {"acked", r.acked},               {"refused", sum(r.refused)},
                {"unacked", r.unacked},           {"connect_failed", sum(r.connect_failed)},
                {"connections_lost", r.connections_lost}, {"reconnected", r.reconnected},
                {"reconnect_failed", sum(r.reconnect_failed)}};
            for (const auto& [name, value] : counters) {
                if (req.name == name) measured = static_cast<double>(value);
            }
            shown = fmt::format("{:.0f}", measured);
        }
        if (!req.met_by(measured)) unmet.push_back(fmt::format("{} (measured {})", req.text, shown));
    }
    return unmet;
}

std::string bench_tick_line(BenchMode mode, const BenchTick& tick)
{
    if (mode == BenchMode::conn) {
        return fmt::format("mqtt-bench: {:.0f} s: {} connects/s, {} failed/s, {} connected, p99 {} ms", tick.elapsed,
                           tick.connects, tick.connect_failed, tick.connected, milliseconds(tick.p99_ns));
    }
    return fmt::format("mqtt-bench: {:.0f} s: {} sent/s, {} acked/s, {} received/s, {} connected, p99 {} ms",
                       tick.elapsed, tick.sent, tick.acked, tick.received, tick.connected, milliseconds(tick.p99_ns));
}

std::string_view bench_csv_header(BenchMode mode)
{
    return mode == BenchMode::conn ? k_bench_conn_csv_header : k_bench_csv_header;
}

std::string bench_csv_line(BenchMode mode, const BenchTick& tick)
{
    if (mode == BenchMode::conn) {
        return fmt::format("{:.0f},{},{},{},{}\n", tick.elapsed, tick.connects, tick.connect_failed, tick.connected,
                           milliseconds(tick.p99_ns));
    }
    return fmt::format("{:.0f},{},{},{},{},{}\n", tick.elapsed, tick.sent, tick.acked, tick.received, tick.connected,
                       milliseconds(tick.p99_ns));
}

BenchCsv::BenchCsv(const std::string& path, BenchMode mode) : m_path(path), m_mode(mode)
{
    Status made = create_empty_file(path);
    if (made.ok()) {
        auto opened = open_private_append(path);
        if (opened.ok()) {
            m_fd = *opened;
        } else {
            made = Error{opened.error()};
        }
    }
    if (!made.ok()) throw Failure(ExitStatus::usage, fmt::format("Error: Unable to open --csv file \"{}\": {}.", path, made.error()));
    write(bench_csv_header(mode));
}

BenchCsv::~BenchCsv()
{
    if (m_fd >= 0) ::close(m_fd);
}

void BenchCsv::write(std::string_view text)
{
    while (!text.empty() && m_error == 0) {
        const ssize_t n = ::write(m_fd, text.data(), text.size());
        if (n >= 0) {
            text.remove_prefix(static_cast<std::size_t>(n));
        } else if (errno != EINTR) {
            m_error = errno;
        }
    }
}

std::string BenchCsv::finish()
{
    if (m_fd >= 0 && ::close(m_fd) != 0 && m_error == 0) m_error = errno;
    m_fd = -1;
    if (m_error == 0) return {};
    return fmt::format("Error: cannot write --csv file \"{}\": {}.", m_path, std::strerror(m_error));
}

std::string bench_json(const Options& options, const BenchResult& r)
{
    std::string out;
    JsonWriter json(out, false);
    json.begin_object();
    json.key("subcommand");
    json.string(mode_name(options.bench.mode));
    json.key("clients");
    json.number(static_cast<std::uint64_t>(options.bench.clients));
    const bool conn = options.bench.mode == BenchMode::conn;
    if (options.bench.mode == BenchMode::pubsub) {
        json.key("subscribers");
        json.number(static_cast<std::uint64_t>(options.bench.subscribers));
    }
    if (!conn) {
        json.key("qos");
        json.number(static_cast<std::uint64_t>(options.qos));
        json.key("size");
        json.number(options.bench.size);
    }
    const bool sends = options.bench.mode == BenchMode::pub || options.bench.mode == BenchMode::pubsub;
    const bool receives = options.bench.mode == BenchMode::sub || options.bench.mode == BenchMode::pubsub;
    if (sends) {
        json.key("run");
        json.number(std::uint64_t{r.run});
    }
    json.key("seconds");
    json.raw(fmt::format("{:.3f}", r.seconds));
    json.key("connects");
    json.begin_object();
    json.key("ok");
    json.number(r.connected);
    json.key("failed");
    json.begin_object();
    for (const auto& [reason, count] : r.connect_failed) {
        json.key(reason);
        json.number(count);
    }
    json.end_object();
    json.key("lost");
    json.number(r.connections_lost);
    json.key("retried");
    json.number(r.connect_retried);
    json.key("reconnected");
    json.number(r.reconnected);
    json.key("reconnect_failed");
    json.begin_object();
    for (const auto& [reason, count] : r.reconnect_failed) {
        json.key(reason);
        json.number(count);
    }
    json.end_object();
    json.end_object();
    if (conn) {
        json.key("connect_seconds");
        json.raw(fmt::format("{:.3f}", r.connect_seconds));
        json.key("connects_per_second");
        json.raw(fmt::format("{:.1f}", per_second(r.connected, r.connect_seconds)));
    }
    const auto count = [&](const char* name, std::uint64_t value) {
        json.key(name);
        json.number(value);
    };
    if (sends) {
        count("offered", r.offered);
        count("sent", r.sent);
        count("acked", r.acked);
        json.key("refused");
        json.begin_object();
        for (const auto& [reason, n] : r.refused) {
            json.key(fmt::format("{}", reason));
            json.number(n);
        }
        json.end_object();
        count("unacked", r.unacked);
        json.key("sent_per_second");
        json.raw(fmt::format("{:.1f}", per_second(r.sent, r.seconds)));
    }
    if (receives) {
        count("received", r.streams.received);
        count("lost", r.streams.lost);
        count("duplicated", r.streams.duplicated);
        count("reordered", r.streams.reordered);
        count("foreign", r.streams.foreign);
        json.key("received_per_second");
        json.raw(fmt::format("{:.1f}", per_second(r.streams.received, r.seconds)));
        json.key("streams");
        json.begin_array();
        for (const auto& stream : r.per_stream) {
            json.element();
            json.begin_object();
            count("run", stream.key.first);
            count("publisher", stream.key.second);
            if (stream.sent) count("sent", *stream.sent);
            count("received", stream.counts.received);
            count("lost", stream.counts.lost);
            count("duplicated", stream.counts.duplicated);
            count("reordered", stream.counts.reordered);
            json.end_object();
        }
        json.end_array();
    }
    json.key("latency_ms");
    json.begin_object();
    if (conn) {
        json.key("connect");
        latency_object(json, r.connect_latency);
    }
    if (sends && options.qos > 0) {
        json.key("publish_to_ack");
        latency_object(json, r.ack_latency);
    }
    if (receives) {
        json.key("publish_to_receive");
        latency_object(json, r.receive_latency);
    }
    json.end_object();
    if (!options.bench.require.empty()) {
        json.key("unmet");
        json.begin_array();
        for (const auto& line : unmet_requirements(options, r)) {
            json.element();
            json.string(line);
        }
        json.end_array();
    }
    json.end_object();
    return out;
}

std::string bench_summary(const Options& options, const BenchResult& r)
{
    std::string text = fmt::format("mqtt-bench {}: {:.3f} s, {} connected, {} failed to connect, {} lost", mode_name(options.bench.mode),
                                   r.seconds, r.connected, [&] {
                                       std::uint64_t n = 0;
                                       for (const auto& [reason, count] : r.connect_failed) n += count;
                                       return n;
                                   }(), r.connections_lost);
    const bool sends = options.bench.mode == BenchMode::pub || options.bench.mode == BenchMode::pubsub;
    const bool receives = options.bench.mode == BenchMode::sub || options.bench.mode == BenchMode::pubsub;
    if (r.connect_retried > 0) text += fmt::format(", {} connects retried", r.connect_retried);
    if (r.reconnected > 0 || !r.reconnect_failed.empty()) {
        std::uint64_t failed = 0;
        for (const auto& [reason, count] : r.reconnect_failed) failed += count;
        text += fmt::format(", {} reconnected, {} not reconnected", r.reconnected, failed);
    }
    if (options.bench.mode == BenchMode::conn) {
        text += fmt::format("\n  {:.1f} connects/s over {:.3f} s", per_second(r.connected, r.connect_seconds), r.connect_seconds);
    }
    if (sends) {
        std::uint64_t refused = 0;
        for (const auto& [reason, n] : r.refused) refused += n;
        text += fmt::format("\n  offered {}, sent {} ({:.1f}/s), acked {}, refused {}, unacked {}", r.offered, r.sent,
                            per_second(r.sent, r.seconds), r.acked, refused, r.unacked);
    }
    if (receives) {
        text += fmt::format("\n  received {} ({:.1f}/s), lost {}, duplicated {}, reordered {}", r.streams.received,
                            per_second(r.streams.received, r.seconds), r.streams.lost, r.streams.duplicated, r.streams.reordered);
    }
    if (receives) text += stream_lines(r.per_stream);
    const auto latency = [&](const char* what, const Histogram& h) {
        text += fmt::format("\n  {} ms: p50 {}, p90 {}, p99 {}, p99.9 {}, max {}", what, milliseconds(h.percentile(50)),
                            milliseconds(h.percentile(90)), milliseconds(h.percentile(99)), milliseconds(h.percentile(99.9)),
                            milliseconds(h.max()));
    };
    if (options.bench.mode == BenchMode::conn) latency("connect", r.connect_latency);
    if (sends && options.qos > 0) latency("publish to ack", r.ack_latency);
    if (receives) latency("publish to receive", r.receive_latency);
    return text;
}

}  // namespace mqtt
