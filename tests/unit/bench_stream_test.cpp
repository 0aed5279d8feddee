#include <doctest/doctest.h>

#include <map>
#include <string>

#include "bench_stream.h"

namespace {

mqtt::BenchHeader header(std::uint32_t publisher, std::uint64_t seq)
{
    return {7, publisher, seq, 1000 + seq};
}

}  // namespace

TEST_CASE("bench header: written big-endian after the mark and read back, short or unmarked payloads have none")
{
    std::string payload(32, 'x');
    mqtt::write_header(payload, {0x01020304, 0x0a0b0c0d, 0x1122334455667788, 0x0102030405060708});
    CHECK(payload.substr(0, 12) == std::string("MQB1\x01\x02\x03\x04\x0a\x0b\x0c\x0d", 12));
    CHECK(payload.substr(28) == "xxxx");
    const auto read = mqtt::read_header(payload);
    REQUIRE(read);
    CHECK(read->run == 0x01020304);
    CHECK(read->publisher == 0x0a0b0c0d);
    CHECK(read->seq == 0x1122334455667788);
    CHECK(read->intended_ns == 0x0102030405060708);
    CHECK_FALSE(mqtt::read_header(std::string_view(payload).substr(0, 27)));
    payload[0] = 'm';
    CHECK_FALSE(mqtt::read_header(payload));
}

TEST_CASE("StreamTracker: duplicates, reordering and gaps, per stream")
{
    mqtt::StreamTracker tracker;
    for (const std::uint64_t seq : {0u, 1u, 3u, 2u, 3u, 5u}) tracker.receive(header(1, seq));  // 4 missing, 3 twice
    for (const std::uint64_t seq : {10u, 11u, 12u}) tracker.receive(header(2, seq));         // joined late: no loss
    tracker.receive_foreign();
    const auto counts = tracker.counts(nullptr);
    CHECK(counts.received == 9);
    CHECK(counts.duplicated == 1);
    CHECK(counts.reordered == 1);
    CHECK(counts.lost == 1);
    CHECK(counts.foreign == 1);
    CHECK(tracker.distinct(7, 1) == 5);
    CHECK(tracker.distinct(7, 3) == 0);
}

TEST_CASE("StreamTracker: with what each publisher sent, a missing tail and a silent stream are lost")
{
    mqtt::StreamTracker tracker;
    for (const std::uint64_t seq : {0u, 1u, 2u}) tracker.receive(header(1, seq));
    tracker.receive(header(2, 1));
    const std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> sent = {{{7, 1}, 5}, {{7, 2}, 2}, {{7, 3}, 4}};
    const auto counts = tracker.counts(&sent);
    CHECK(counts.received == 4);
    CHECK(counts.lost == 2 + 1 + 4);
}

TEST_CASE("StreamTracker: a number far beyond a stream's highest is foreign, not a huge gap")
{
    mqtt::StreamTracker tracker;
    tracker.receive(header(1, 0));
    tracker.receive(header(1, mqtt::StreamTracker::k_max_jump + 1));
    tracker.receive(header(2, UINT64_MAX - 1));
    const auto counts = tracker.counts(nullptr);
    CHECK(counts.received == 1);
    CHECK(counts.foreign == 2);
    CHECK(counts.lost == 0);
    CHECK(tracker.distinct(7, 2) == 0);
}

TEST_CASE("StreamTracker: streams() gives each stream's counts in order, a silent expected one included, and they add up")
{
    mqtt::StreamTracker tracker;
    for (const std::uint64_t seq : {0u, 2u, 1u, 2u}) tracker.receive(header(2, seq));
    tracker.receive(header(1, 4));
    tracker.receive_foreign();
    const mqtt::StreamsSent sent = {{{7, 1}, 5}, {{7, 2}, 4}, {{7, 3}, 2}};
    const auto streams = tracker.streams(&sent);
    REQUIRE(streams.size() == 3);
    CHECK(streams[0].key == mqtt::StreamKey{7, 1});
    CHECK(streams[0].counts.received == 1);
    CHECK(streams[0].counts.lost == 4);
    CHECK(streams[1].key == mqtt::StreamKey{7, 2});
    CHECK(streams[1].counts.received == 4);
    CHECK(streams[1].counts.duplicated == 1);
    CHECK(streams[1].counts.reordered == 1);
    CHECK(streams[1].counts.lost == 1);
    CHECK(streams[2].key == mqtt::StreamKey{7, 3});
    CHECK(streams[2].counts.received == 0);
    CHECK(streams[2].counts.lost == 2);
    const auto total = tracker.counts(&sent);
    CHECK(total.received == 5);
    CHECK(total.lost == 7);
    CHECK(total.foreign == 1);
    // Without what was sent: the gaps between the lowest and highest numbers seen.
    const auto gaps = tracker.streams(nullptr);
    REQUIRE(gaps.size() == 2);
    CHECK(gaps[0].counts.lost == 0);
    CHECK(gaps[1].counts.lost == 0);
}
