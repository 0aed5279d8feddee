#include <doctest/doctest.h>

#include <mqtt_protocol.h>

#include "progress.h"
#include "stats.h"
#include "test_properties.h"

TEST_CASE("TransferStats::json: a publisher's counters, duration and rate")
{
    mqtt::TransferStats stats;
    stats.sent = 10;
    stats.sent_bytes = 300;
    stats.acknowledged = 9;
    stats.refused = 1;
    CHECK(stats.json("mqtt-pub", true, 2.0) ==
          R"({"tool":"mqtt-pub","sent":10,"sent_bytes":300,"acknowledged":9,"refused":1,"duration_s":2.000,"rate":5.0})");
}

TEST_CASE("TransferStats::json: a subscriber's latency percentiles (nearest rank), only when stamped")
{
    mqtt::TransferStats stats;
    stats.received = 4;
    stats.received_bytes = 8;
    CHECK(stats.json("mqtt-sub", false, 0.5) ==
          R"({"tool":"mqtt-sub","received":4,"received_bytes":8,"duration_s":0.500,"rate":8.0})");
    for (int i = 100; i >= 1; --i) stats.latencies.add(i);
    // Each percentile is the upper edge of its 1 % bucket (50 ms: 50.310).
    CHECK(stats.json("mqtt-sub", false, 0.5) ==
          R"({"tool":"mqtt-sub","received":4,"received_bytes":8,"duration_s":0.500,"rate":8.0,)"
          R"("latency_ms":{"count":100,"p50":50.310,"p90":90.493,"p99":99.961,"max":100.000}})");
}

TEST_CASE("TransferStats::json: undecoded with --decode, not_json and where_errors with --where")
{
    mqtt::TransferStats stats;
    stats.received = 3;
    stats.received_bytes = 30;
    stats.undecoded = 1;
    stats.not_json = 2;
    stats.where_errors = 4;
    CHECK(stats.json("mqtt-sub", false, 1.0) ==
          R"({"tool":"mqtt-sub","received":3,"received_bytes":30,"duration_s":1.000,"rate":3.0})");
    stats.filtering = true;
    CHECK(stats.json("mqtt-sub", false, 1.0) ==
          R"({"tool":"mqtt-sub","received":3,"received_bytes":30,"not_json":2,"where_errors":4,"duration_s":1.000,"rate":3.0})");
    stats.decoding = true;
    CHECK(stats.json("mqtt-sub", false, 1.0) ==
          R"({"tool":"mqtt-sub","received":3,"received_bytes":30,"undecoded":1,"not_json":2,"where_errors":4,)"
          R"("duration_s":1.000,"rate":3.0})");
}

TEST_CASE("LatencyHistogram: percentiles within 1 % whatever the scale, in fixed memory")
{
    mqtt::LatencyHistogram h;
    CHECK(h.percentile(50) == 0.0);
    for (int i = 1; i <= 100000; ++i) h.add(i * 0.01);  // 0.01 ms to 1000 ms
    CHECK(h.count() == 100000);
    CHECK(h.max() == doctest::Approx(1000.0));
    for (double p : {1.0, 50.0, 90.0, 99.0, 99.9}) {
        const double exact = p * 10.0;
        CHECK(h.percentile(p) >= exact * 0.999);
        CHECK(h.percentile(p) <= exact * 1.0101);
    }
    CHECK(h.percentile(100) == doctest::Approx(1000.0));
    mqtt::LatencyHistogram odd;
    odd.add(-3.0);  // clocks apart
    odd.add(5e7);   // beyond the last bucket
    CHECK(odd.percentile(50) == doctest::Approx(0.001));
    CHECK(odd.percentile(100) == doctest::Approx(5e7));
}

TEST_CASE("read_stamp: from the user property, else from the payload prefix")
{
    test::Properties properties;
    properties.user("other", "1").user(mqtt::k_stamp_property, "42");
    CHECK(mqtt::read_stamp("stamp:7;x", properties.list) == 42);
    CHECK(mqtt::read_stamp("stamp:7;x", nullptr) == 7);
    CHECK(!mqtt::read_stamp("stamp:7x", nullptr));
    CHECK(!mqtt::read_stamp("stamp:;", nullptr));
    CHECK(!mqtt::read_stamp("payload", nullptr));
}

TEST_CASE("progress_line: messages, megabytes, rate, percent and time left")
{
    CHECK(mqtt::progress_line(500, 2500000, 10000000, 5.0) == "500 messages, 2.5 MB, 100/s, 25%, ETA 0:15");
    CHECK(mqtt::progress_line(2000, 10000000, 10000000, 20.0) == "2000 messages, 10.0 MB, 100/s, 100%");
    CHECK(mqtt::progress_line(0, 0, 0, 0.0) == "0 messages, 0.0 MB, 0/s, 100%");
}
