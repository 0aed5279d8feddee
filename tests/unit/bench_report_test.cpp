#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "bench_report.h"

TEST_CASE("bench_json: a pubsub run's counters and both latencies, in milliseconds")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    options.bench.mode = mqtt::BenchMode::pubsub;
    options.bench.clients = 2;
    options.bench.subscribers = 1;
    options.qos = 1;
    mqtt::BenchResult r;
    r.seconds = 2.0;
    r.connected = 3;
    r.connect_failed["Connection refused"] = 1;
    r.offered = 10;
    r.sent = 10;
    r.acked = 9;
    r.refused[135] = 1;
    r.streams.received = 11;
    r.streams.duplicated = 1;
    r.streams.lost = 0;
    // 1..100 ms: each percentile is the top of its bucket (50 ms: 49.971-50.004 ms, 1/1024
    // of [2^25, 2^26) ns), never above the maximum.
    for (std::uint64_t ms = 1; ms <= 100; ++ms) r.receive_latency.record(ms * 1000000);
    r.ack_latency.record(500000);
    CHECK(mqtt::bench_json(options, r) ==
          R"({"subcommand":"pubsub","clients":2,"subscribers":1,"qos":1,"size":64,"run":0,"seconds":2.000,)"
          R"("connects":{"ok":3,"failed":{"Connection refused":1},"lost":0,"retried":0,"reconnected":0,"reconnect_failed":{}},)"
          R"("offered":10,"sent":10,"acked":9,"refused":{"135":1},"unacked":0,"sent_per_second":5.0,)"
          R"("received":11,"lost":0,"duplicated":1,"reordered":0,"foreign":0,"received_per_second":5.5,"streams":[],)"
          R"("latency_ms":{"publish_to_ack":{"count":1,"p50":0.500,"p90":0.500,"p99":0.500,"p99.9":0.500,)"
          R"("p99.99":0.500,"max":0.500},"publish_to_receive":{"count":100,"p50":50.004,"p90":90.046,"p99":99.025,)"
          R"("p99.9":100.000,"p99.99":100.000,"max":100.000}}})");
}

TEST_CASE("bench_json: pub at QoS 0 has no receive side and no acknowledgements to time")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    mqtt::BenchResult r;
    r.seconds = 1.0;
    r.connected = 1;
    r.offered = r.sent = 3;
    CHECK(mqtt::bench_json(options, r) ==
          R"({"subcommand":"pub","clients":1,"qos":0,"size":64,"run":0,"seconds":1.000,)"
          R"("connects":{"ok":1,"failed":{},"lost":0,"retried":0,"reconnected":0,"reconnect_failed":{}},"offered":3,"sent":3,"acked":0,"refused":{},"unacked":0,)"
          R"("sent_per_second":3.0,"latency_ms":{}})");
}

TEST_CASE("bench_tick_line: the counts of one second and its p99")
{
    mqtt::BenchTick tick;
    tick.elapsed = 3.0;
    tick.sent = 100;
    tick.acked = 99;
    tick.received = 98;
    tick.connected = 4;
    tick.p99_ns = 1250000;
    CHECK(mqtt::bench_tick_line(mqtt::BenchMode::pubsub, tick) ==
          "mqtt-bench: 3 s: 100 sent/s, 99 acked/s, 98 received/s, 4 connected, p99 1.250 ms");
}

TEST_CASE("unmet_requirements: each missed threshold with its measured value, and no latency measured misses")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    options.bench.mode = mqtt::BenchMode::pubsub;
    options.qos = 1;
    options.bench.require = mqtt::parse_requirements("p99<20ms,lost=0,rate>=4,connect_failed=0,p50<1s").value();
    mqtt::BenchResult r;
    r.seconds = 2.0;
    r.sent = 10;
    r.streams.lost = 3;
    CHECK(mqtt::unmet_requirements(options, r) ==
          std::vector<std::string>{"p99<20ms (no latency measured)", "lost=0 (measured 3)", "p50<1s (no latency measured)"});
    for (std::uint64_t ms = 1; ms <= 100; ++ms) r.receive_latency.record(ms * 1000000);
    r.streams.lost = 0;
    r.connect_failed["Connection refused"] = 2;
    CHECK(mqtt::unmet_requirements(options, r) ==
          std::vector<std::string>{"p99<20ms (measured 99.025 ms)", "connect_failed=0 (measured 2)"});
    r.sent = 7;
    options.bench.require = mqtt::parse_requirements("rate>=4").value();
    CHECK(mqtt::unmet_requirements(options, r) == std::vector<std::string>{"rate>=4 (measured 3.5/s)"});
}

TEST_CASE("bench_json: a conn run reports connects, their rate and the connect latency, and no message counts")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    options.bench.mode = mqtt::BenchMode::conn;
    options.bench.clients = 5;
    options.bench.require = mqtt::parse_requirements("connect_failed=0").value();
    mqtt::BenchResult r;
    r.seconds = 30.0;
    r.connect_seconds = 0.5;
    r.connected = 4;
    r.connect_failed["Connection refused"] = 1;
    r.connect_retried = 2;
    r.connect_latency.record(2000000);
    CHECK(mqtt::bench_json(options, r) ==
          R"({"subcommand":"conn","clients":5,"seconds":30.000,)"
          R"("connects":{"ok":4,"failed":{"Connection refused":1},"lost":0,"retried":2,"reconnected":0,"reconnect_failed":{}},)"
          R"("connect_seconds":0.500,"connects_per_second":8.0,)"
          R"("latency_ms":{"connect":{"count":1,"p50":2.000,"p90":2.000,"p99":2.000,"p99.9":2.000,)"
          R"x("p99.99":2.000,"max":2.000}},"unmet":["connect_failed=0 (measured 1)"]})x");
    CHECK(mqtt::bench_summary(options, r) ==
          "mqtt-bench conn: 30.000 s, 4 connected, 1 failed to connect, 0 lost, 2 connects retried\n"
          "  8.0 connects/s over 0.500 s\n"
          "  connect ms: p50 2.000, p90 2.000, p99 2.000, p99.9 2.000, max 2.000");
}

TEST_CASE("unmet_requirements: conn's rate is connects per second and its latency the connect latency")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    options.bench.mode = mqtt::BenchMode::conn;
    options.bench.require = mqtt::parse_requirements("rate>=100,p99<1ms,connections_lost=0").value();
    mqtt::BenchResult r;
    r.seconds = 10.0;
    r.connect_seconds = 2.0;
    r.connected = 100;
    r.connections_lost = 1;
    r.connect_latency.record(5000000);
    CHECK(mqtt::unmet_requirements(options, r) ==
          std::vector<std::string>{"rate>=100 (measured 50.0/s)", "p99<1ms (measured 5.000 ms)",
                                   "connections_lost=0 (measured 1)"});
}

TEST_CASE("bench_tick_line and bench_csv_line: conn's second counts connects and failures")
{
    mqtt::BenchTick tick;
    tick.elapsed = 2.0;
    tick.connects = 500;
    tick.connect_failed = 3;
    tick.connected = 1497;
    tick.p99_ns = 750000;
    CHECK(mqtt::bench_tick_line(mqtt::BenchMode::conn, tick) ==
          "mqtt-bench: 2 s: 500 connects/s, 3 failed/s, 1497 connected, p99 0.750 ms");
    CHECK(mqtt::bench_csv_line(mqtt::BenchMode::conn, tick) == "2,500,3,1497,0.750\n");
    CHECK(mqtt::bench_csv_header(mqtt::BenchMode::conn) == "elapsed_s,connects,failed,connected,p99_ms\n");
    CHECK(mqtt::bench_csv_header(mqtt::BenchMode::pub) == "elapsed_s,sent,acked,received,connected,p99_ms\n");
}

TEST_CASE("bench_json and bench_summary: each publisher's stream, and people see only the streams that went wrong")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    options.bench.mode = mqtt::BenchMode::pubsub;
    options.bench.clients = 13;
    mqtt::BenchResult r;
    r.seconds = 1.0;
    r.run = 77;
    // Publisher 0 clean; 1..12 each lost one (publisher 5 also one twice, and one late).
    for (std::uint32_t p = 0; p < 13; ++p) {
        mqtt::BenchStream stream{{77, p}, 10, {p == 0 ? 10u : 9u, 0, 0, p == 0 ? 0u : 1u, 0}};
        if (p == 5) stream.counts = {10, 1, 1, 1, 0};
        r.per_stream.push_back(stream);
        r.streams.add(stream.counts);
    }
    const std::string json = mqtt::bench_json(options, r);
    INFO(json);
    CHECK(json.find(R"("received_per_second":119.0,"streams":[{"run":77,"publisher":0,"sent":10,"received":10,"lost":0,)"
                    R"("duplicated":0,"reordered":0},{"run":77,"publisher":1,"sent":10,"received":9,"lost":1,"duplicated":0,)"
                    R"("reordered":0},)") != std::string::npos);
    CHECK(json.find(R"({"run":77,"publisher":12,"sent":10,"received":9,"lost":1,"duplicated":0,"reordered":0}],"latency_ms")") !=
          std::string::npos);
    const std::string text = mqtt::bench_summary(options, r);
    CHECK(text.find("\n  received 119 (119.0/s), lost 12, duplicated 1, reordered 1"
                    "\n  streams that lost, duplicated or reordered messages: 12 of 13"
                    "\n    publisher 1: sent 10, received 9, lost 1, duplicated 0, reordered 0"
                    "\n    publisher 2: sent 10, received 9, lost 1, duplicated 0, reordered 0") != std::string::npos);
    CHECK(text.find("\n    publisher 5: sent 10, received 10, lost 1, duplicated 1, reordered 1\n") != std::string::npos);
    CHECK(text.find("\n    publisher 10: sent 10, received 9, lost 1, duplicated 0, reordered 0"
                    "\n    and 2 more (--json lists every stream)\n  publish to receive ms:") != std::string::npos);
    CHECK(text.find("publisher 0:") == std::string::npos);
    CHECK(text.find("publisher 11:") == std::string::npos);

    // sub: streams of two runs say their run; all clean, no stream lines.
    options.bench.mode = mqtt::BenchMode::sub;
    r.per_stream = {{{3, 0}, std::nullopt, {5, 0, 0, 2, 0}}, {{4, 0}, std::nullopt, {5, 0, 0, 0, 0}}};
    const std::string sub = mqtt::bench_summary(options, r);
    CHECK(sub.find("\n  streams that lost, duplicated or reordered messages: 1 of 2"
                   "\n    run 3 publisher 0: received 5, lost 2, duplicated 0, reordered 0\n") != std::string::npos);
    CHECK(mqtt::bench_json(options, r).find(R"("streams":[{"run":3,"publisher":0,"received":5,"lost":2,"duplicated":0,)"
                                            R"("reordered":0},{"run":4,"publisher":0,"received":5,"lost":0,)") != std::string::npos);
    r.per_stream[0].counts.lost = 0;
    CHECK(mqtt::bench_summary(options, r).find("streams") == std::string::npos);
}

TEST_CASE("bench_json, bench_summary and --require: lost connections made again, and lost clients given up on")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::bench;
    options.bench.mode = mqtt::BenchMode::pubsub;
    mqtt::BenchResult r;
    r.seconds = 1.0;
    r.connected = 3;
    r.connections_lost = 4;
    r.reconnected = 3;
    r.reconnect_failed["Connection refused"] = 1;
    const std::string json = mqtt::bench_json(options, r);
    INFO(json);
    CHECK(json.find(R"("connects":{"ok":3,"failed":{},"lost":4,"retried":0,"reconnected":3,)"
                    R"("reconnect_failed":{"Connection refused":1}},)") != std::string::npos);
    CHECK(mqtt::bench_summary(options, r).starts_with(
        "mqtt-bench pubsub: 1.000 s, 3 connected, 0 failed to connect, 4 lost, 3 reconnected, 1 not reconnected\n"));
    options.bench.require = mqtt::parse_requirements("reconnect_failed=0,reconnected>=3,connections_lost<=4").value();
    CHECK(mqtt::unmet_requirements(options, r) == std::vector<std::string>{"reconnect_failed=0 (measured 1)"});
    r.reconnected = 0;
    r.reconnect_failed.clear();
    CHECK(mqtt::bench_summary(options, r).starts_with("mqtt-bench pubsub: 1.000 s, 3 connected, 0 failed to connect, 4 lost\n"));
}
