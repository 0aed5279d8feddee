#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "topic_summary.h"

namespace {

using namespace std::chrono_literals;
using Time = mqtt::TopicSummary::Time;

const Time t0 = Time{} + 1000s;

/// The wall clock of a report at 2020-05-06T20:48:00 UTC, read in UTC.
std::timespec utc_wall()
{
    setenv("TZ", "UTC0", 1);
    tzset();
    return {1588798080, 0};
}

std::string json_of(const mqtt::TopicSummary& summary, Time now)
{
    std::string out;
    summary.append_json(out, now, utc_wall());
    return out;
}

}  // namespace

TEST_CASE("summary: per topic messages, bytes, retain flag and last payload, as JSON lines")
{
    mqtt::TopicSummary summary(10, t0);
    summary.add("a", "12", false, t0 + 100ms);
    summary.add("b/c", "x", true, t0 + 200ms);
    summary.add("a", "345", false, t0 + 300ms);
    CHECK(summary.topics() == 2);
    CHECK(summary.messages() == 3);
    // At 0.5 s: the rate is over one second (the shortest span); "a" first, with two messages.
    CHECK(json_of(summary, t0 + 500ms) ==
          "{\"tst\":\"2020-05-06T20:48:00.000000+0000\",\"topic\":\"a\",\"messages\":2,\"bytes\":5,\"rate\":2,"
          "\"last_seen\":\"2020-05-06T20:47:59.800000+0000\",\"retain\":false,\"payloadlen\":3,\"payload\":\"345\"}\n"
          "{\"tst\":\"2020-05-06T20:48:00.000000+0000\",\"topic\":\"b/c\",\"messages\":1,\"bytes\":1,\"rate\":1,"
          "\"last_seen\":\"2020-05-06T20:47:59.700000+0000\",\"retain\":true,\"payloadlen\":1,\"payload\":\"x\"}\n");
}

TEST_CASE("summary: a payload that is not UTF-8 is kept as base64, an empty one as an empty string")
{
    mqtt::TopicSummary summary(10, t0);
    summary.add("bin", std::string("\xff\0a", 3), false, t0);
    summary.add("empty", "", false, t0 + 2s);
    CHECK(json_of(summary, t0 + 2s) ==
          "{\"tst\":\"2020-05-06T20:48:00.000000+0000\",\"topic\":\"bin\",\"messages\":1,\"bytes\":3,\"rate\":0.5,"
          "\"last_seen\":\"2020-05-06T20:47:58.000000+0000\",\"retain\":false,\"payloadlen\":3,\"payload_base64\":\"/wBh\"}\n"
          "{\"tst\":\"2020-05-06T20:48:00.000000+0000\",\"topic\":\"empty\",\"messages\":1,\"bytes\":0,\"rate\":0.5,"
          "\"last_seen\":\"2020-05-06T20:48:00.000000+0000\",\"retain\":false,\"payloadlen\":0,\"payload\":\"\"}\n");
}

TEST_CASE("summary: the last payload is kept up to 256 bytes, cut before a split UTF-8 character")
{
    mqtt::TopicSummary summary(10, t0);
    summary.add("long", std::string(300, 'x'), false, t0);
    auto entries = summary.sorted(t0);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].row->payload == std::string(256, 'x'));
    CHECK(entries[0].row->payload_size == 300);

    // 255 ASCII bytes, then a 3-byte character across the cap: it is left out whole.
    summary.add("long", std::string(255, 'y') + "\u20ac" + "zz", false, t0);
    entries = summary.sorted(t0);
    CHECK(entries[0].row->payload == std::string(255, 'y'));
    CHECK(entries[0].row->payload_size == 260);
    CHECK(entries[0].row->messages == 2);
    CHECK(entries[0].row->bytes == 560);
}

TEST_CASE("summary: the rate counts the last 10 whole seconds, the current one so far included")
{
    mqtt::TopicSummary summary(10, t0);
    const auto& row = [&]() -> const mqtt::TopicSummary::Row& {
        for (int i = 0; i < 30; ++i) summary.add("t", "", false, t0 + std::chrono::milliseconds(100 * i));  // 10/s for 3 s
        return *summary.sorted(t0).front().row;
    }();
    // Over the time since the start while it is shorter than the window.
    CHECK(summary.rate(row, t0 + 3s) == doctest::Approx(10.0));
    CHECK(summary.rate(row, t0 + 6s) == doctest::Approx(5.0));
    // At 12.5 s the window is seconds 3 to 12 (9.5 s so far): nothing in it.
    CHECK(summary.rate(row, t0 + 12500ms) == 0.0);
    // At 11.5 s: seconds 2 to 11, of which second 2 had 10 messages.
    CHECK(summary.rate(row, t0 + 11500ms) == doctest::Approx(10.0 / 9.5));
    // A new message much later clears the old seconds.
    summary.add("t", "", false, t0 + 40s);
    CHECK(summary.rate(row, t0 + 40500ms) == doctest::Approx(1.0 / 9.5));
    CHECK(row.messages == 31);
    // Within the first second: over one second, not less.
    mqtt::TopicSummary fresh(10, t0);
    fresh.add("t", "", false, t0 + 10ms);
    fresh.add("t", "", false, t0 + 20ms);
    CHECK(fresh.rate(*fresh.sorted(t0).front().row, t0 + 30ms) == 2.0);
}

TEST_CASE("summary: rows by rate, then messages, then topic, the folded row last")
{
    mqtt::TopicSummary summary(3, t0);
    summary.add("slow", "", false, t0);
    for (int i = 0; i < 3; ++i) summary.add("fast", "", false, t0 + 1s);
    summary.add("b", "", false, t0 + 1s);
    // Past 3 topics, new ones are folded into one row, whatever their rate.
    for (int i = 0; i < 5; ++i) summary.add("x", "", false, t0 + 1s);
    summary.add("y", "last", true, t0 + 1s);
    // A topic kept apart stays apart.
    summary.add("slow", "", false, t0);
    const auto entries = summary.sorted(t0 + 1500ms);
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].topic == "fast");
    CHECK(entries[1].topic == "slow");  // two messages
    CHECK(entries[2].topic == "b");
    CHECK(entries[3].folded);
    CHECK(entries[3].row->messages == 6);
    CHECK(entries[3].row->retained);
    CHECK(entries[3].row->payload == "last");
    CHECK(entries[3].rate == doctest::Approx(6.0 / 1.5));
    CHECK(summary.topics() == 3);
    CHECK(summary.folded_topics() == 2);
    CHECK(summary.messages() == 12);
}

TEST_CASE("summary: the folded row in JSON has a null topic and the number of topics folded")
{
    mqtt::TopicSummary summary(1, t0);
    summary.add("kept", "k", false, t0);
    for (int i = 0; i < 100; ++i) summary.add("other/" + std::to_string(i), "o", false, t0);
    const std::string json = json_of(summary, t0);
    CHECK(
        json ==
        "{\"tst\":\"2020-05-06T20:48:00.000000+0000\",\"topic\":\"kept\",\"messages\":1,\"bytes\":1,\"rate\":1,"
        "\"last_seen\":\"2020-05-06T20:48:00.000000+0000\",\"retain\":false,\"payloadlen\":1,\"payload\":\"k\"}\n"
        "{\"tst\":\"2020-05-06T20:48:00.000000+0000\",\"topic\":null,\"folded_topics\":100,\"messages\":100,\"bytes\":100,"
        "\"rate\":100,\"last_seen\":\"2020-05-06T20:48:00.000000+0000\",\"retain\":false,\"payloadlen\":1,\"payload\":\"o\"}\n");
}

TEST_CASE("summary: the estimate of folded topics stays within 2 percent for 200000 topics")
{
    mqtt::TopicSummary summary(1, t0);
    summary.add("kept", "", false, t0);
    for (int i = 0; i < 200000; ++i) summary.add("t/" + std::to_string(i), "", false, t0);
    // Each folded topic again: the estimate counts topics, not messages.
    for (int i = 0; i < 1000; ++i) summary.add("t/" + std::to_string(i), "", false, t0);
    CHECK(summary.folded_topics() == doctest::Approx(200000).epsilon(0.02));
    CHECK(summary.topics() == 1);
}

TEST_CASE("summary: the terminal table, cut to the width, control bytes escaped")
{
    mqtt::TopicSummary summary(10, t0);
    summary.add("dev/\x1b[2Jevil", "p\x07q", true, t0);
    for (int i = 0; i < 4; ++i) summary.add("busy", std::string(100, 'z'), false, t0 + 500ms);
    std::string out;
    summary.append_table(out, t0 + 2500ms, 70, 10);
    CHECK(out ==
          "\x1b[H"
          "mqtt-sub --summary: 2 topics, 5 messages, 2.0 msg/s (q quits)\x1b[K\n"
          "    MSG/S   MESSAGES       BYTES  LAST R TOPIC           PAYLOAD\x1b[K\n"
          "      1.6          4         400    2s - busy            zzzzzzzzzzzz\u2026\x1b[K\n"
          "      0.4          1           3    2s R dev/\\x1b[2Jevil p\\x07q\x1b[K\n"
          "\x1b[J");

    // Narrower: the topic and payload columns are cut, and so are the lines.
    out.clear();
    summary.append_table(out, t0 + 2500ms, 60, 10);
    CHECK(out ==
          "\x1b[H"
          "mqtt-sub --summary: 2 topics, 5 messages, 2.0 msg/s (q quit\u2026\x1b[K\n"
          "    MSG/S   MESSAGES       BYTES  LAST R TOPIC         PAYL\u2026\x1b[K\n"
          "      1.6          4         400    2s - busy          zzzz\u2026\x1b[K\n"
          "      0.4          1           3    2s R dev/\\x1b[2Je\u2026 p\\x0\u2026\x1b[K\n"
          "\x1b[J");
}

TEST_CASE("summary: a table taller than the screen ends with how many rows are not shown")
{
    mqtt::TopicSummary summary(10, t0);
    for (int i = 0; i < 5; ++i) summary.add("t" + std::to_string(i), "", false, t0);
    std::string out;
    summary.append_table(out, t0 + 61s, 70, 6);
    CHECK(out ==
          "\x1b[H"
          "mqtt-sub --summary: 5 topics, 5 messages, 0.0 msg/s (q quits)\x1b[K\n"
          "    MSG/S   MESSAGES       BYTES  LAST R TOPIC PAYLOAD\x1b[K\n"
          "      0.0          1           0    1m - t0    \x1b[K\n"
          "      0.0          1           0    1m - t1    \x1b[K\n"
          "(+3 more rows)\x1b[K\n"
          "\x1b[J");
}
