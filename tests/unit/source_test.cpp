#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <unistd.h>
#include <vector>

#include "error.h"
#include "source.h"

namespace {

/// Feeds `input` to a LineBuffer in chunks of `chunk` bytes and collects every line.
std::vector<std::string> split(const std::string& input, std::size_t chunk)
{
    mqtt::LineBuffer buffer;
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < input.size()) {
        const std::size_t n = std::min(chunk, input.size() - at);
        std::memcpy(buffer.reserve(n), input.data() + at, n);
        buffer.commit(n);
        at += n;
        while (auto line = buffer.next_line(false)) lines.emplace_back(*line);
    }
    while (auto line = buffer.next_line(true)) lines.emplace_back(*line);
    return lines;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("lines split on '\\n' only, keeping '\\r', whatever the chunk size")
{
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 4096u}) {
        CAPTURE(chunk);
        CHECK(split("a\nb\n", chunk) == Lines{"a", "b"});
        CHECK(split("a\r\nb", chunk) == Lines{"a\r", "b"});
        CHECK(split("\n\nx\n", chunk) == Lines{"", "", "x"});
        CHECK(split("last line without newline", chunk) == Lines{"last line without newline"});
        CHECK(split(std::string("nul\0byte\n", 9), chunk) == Lines{std::string("nul\0byte", 8)});
        CHECK(split("", chunk).empty());
    }
}

TEST_CASE("a line longer than the buffer grows it and stays whole")
{
    const std::string big(1 << 20, 'x');
    CHECK(split(big + "\nend\n", 65536) == Lines{big, "end"});
}

TEST_CASE("FixedSource gives its payload the given number of times")
{
    mqtt::FixedSource source("payload", 3);
    int count = 0;
    while (auto p = source.next()) {
        CHECK(p->payload == "payload");
        ++count;
    }
    CHECK(count == 3);
    CHECK(source.done());
}

TEST_CASE("LineSource reads a pipe in blocks and ends with the last line")
{
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string input = "one\ntwo\r\n\nlast";
    REQUIRE(::write(fds[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
    ::close(fds[1]);
    mqtt::LineSource source(fds[0]);
    Lines lines;
    while (!source.done()) {
        if (auto line = source.next()) {
            lines.emplace_back(line->payload);
        } else {
            REQUIRE(source.fd() == fds[0]);
            source.on_readable();
        }
    }
    ::close(fds[0]);
    CHECK(lines == Lines{"one", "two\r", "", "last"});
    CHECK(source.fd() == -1);
}

TEST_CASE("read_file: whole files, upstream's error for a missing one")
{
    char path[] = "/tmp/mqtt-tools-source-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string data("\x00\xff\n binary", 10);
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    ::close(fd);
    CHECK(mqtt::read_file(path) == data);
    ::unlink(path);
    CHECK_THROWS_WITH_AS(mqtt::read_file(path), (std::string("Error: Unable to open file \"") + path + "\".").c_str(),
                         mqtt::Failure);
    CHECK_THROWS_WITH_AS(mqtt::read_file("/tmp"), "Error: Unable to read file \"/tmp\": it is a directory.", mqtt::Failure);
}

TEST_CASE("load_payload: the one payload of -m, -f and -n (mqtt-rr's request)")
{
    mqtt::Options options;
    options.input = mqtt::InputMode::message;
    options.message = "text";
    CHECK(mqtt::load_payload(options) == "text");

    options.input = mqtt::InputMode::null_message;
    CHECK(mqtt::load_payload(options).empty());

    char path[] = "/tmp/mqtt-tools-payload-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string data("\x00\x01 request\n", 11);
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    ::close(fd);
    options.input = mqtt::InputMode::file;
    options.file = path;
    CHECK(mqtt::load_payload(options) == data);
    ::unlink(path);
    CHECK_THROWS_AS(mqtt::load_payload(options), mqtt::Failure);
}

namespace {

/// What a LineSource with `settings` makes of `input` (read through a pipe): the messages
/// as "topic|qos|retain|payload" (topic "-" and -1 when the record leaves them to the
/// command line), and the error at the end.
struct Drained {
    Lines messages;
    std::optional<std::string> error;
};

Drained drain(const std::string& input, mqtt::RecordSettings settings)
{
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
    ::close(fds[1]);
    settings.quiet = true;
    mqtt::LineSource source(fds[0], settings, true);
    Drained result;
    while (!source.done()) {
        if (auto m = source.next()) {
            result.messages.push_back(std::string(m->topic ? m->topic : "-") + "|" + std::to_string(m->qos) + "|" +
                                      std::to_string(m->retain) + "|" + std::string(m->payload));
        } else if (source.fd() >= 0) {
            source.on_readable();
        }
    }
    result.error = source.error();
    return result;
}

mqtt::RecordSettings json_settings(mqtt::OnError on_error = mqtt::OnError::stop)
{
    mqtt::RecordSettings settings;
    settings.json = true;
    settings.default_topic = true;
    settings.on_error = on_error;
    return settings;
}

}  // namespace

TEST_CASE("LineSource --json: one message per object, blank lines ignored, -t/-q/-r left to the command line")
{
    const auto d =
        drain("{\"topic\":\"a\",\"qos\":2,\"retain\":true,\"payload\":\"x\"}\r\n\n  \n{\"payload\":\"y\"}", json_settings());
    CHECK(d.messages == Lines{"a|2|1|x", "-|-1|-1|y"});
    CHECK(!d.error);
}

TEST_CASE("LineSource --json: a bad record stops the source (on-error stop) with its line number")
{
    const auto d = drain("{\"payload\":\"1\"}\n{\"payload\":2}\n{\"payload\":\"3\"}\n", json_settings());
    CHECK(d.messages == Lines{"-|-1|-1|1"});
    CHECK(d.error == "Error: Line 2: \"payload\" must be a string.");
}

TEST_CASE("LineSource --json: on-error skip goes on and reports the count at the end")
{
    const auto d = drain("x\n{\"payload\":\"1\"}\n[]\n{\"payload\":\"3\"}\n", json_settings(mqtt::OnError::skip));
    CHECK(d.messages == Lines{"-|-1|-1|1", "-|-1|-1|3"});
    CHECK(d.error == "Error: 2 bad lines skipped (the first: line 1).");
}

TEST_CASE("LineSource --json: a topic is needed from the record or -t, properties need MQTT 5")
{
    auto settings = json_settings();
    settings.default_topic = false;
    CHECK(drain("{\"payload\":\"1\"}\n", settings).error == "Error: Line 1: no \"topic\", and no -t to fall back to.");
    CHECK(drain("{\"payload\":\"1\",\"properties\":{\"content-type\":\"a\"}}\n", json_settings()).error ==
          "Error: Line 1: MQTT 5 properties, but the protocol is not MQTT 5 (-V 5).");
    settings = json_settings();
    settings.mqtt5 = true;
    CHECK(!drain("{\"payload\":\"1\",\"properties\":{\"content-type\":\"a\"}}\n", settings).error);
}

TEST_CASE("LineSource -0: records end in NUL, newlines are payload, errors name records")
{
    mqtt::RecordSettings settings;
    settings.delimiter = '\0';
    CHECK(drain(std::string("a\nb\0\0c", 6), settings).messages == Lines{"-|-1|-1|a\nb", "-|-1|-1|", "-|-1|-1|c"});
    settings.encoding = mqtt::Encoding::hex;
    const auto d = drain(std::string("41\0zz\0", 6), settings);
    CHECK(d.messages == Lines{"-|-1|-1|A"});
    CHECK(d.error == "Error: Record 2: not valid hex.");
}

namespace {

/// A clock the test moves by hand.
struct ManualClock {
    std::chrono::steady_clock::time_point now{std::chrono::seconds(1000)};
    mqtt::PacedSource::Now reader()
    {
        return [this] { return now; };
    }
};

/// Messages given by the test, each with the tst its record had (or none).
class RecordedSource : public mqtt::Source {
public:
    explicit RecordedSource(std::vector<std::optional<std::int64_t>> stamps) : m_stamps(std::move(stamps)) {}
    std::optional<mqtt::Outgoing> next() override
    {
        if (m_next == m_stamps.size()) return std::nullopt;
        mqtt::Outgoing out;
        out.payload = "r";
        out.recorded_us = m_stamps[m_next++];
        return out;
    }
    bool done() const override { return m_next == m_stamps.size(); }

private:
    std::vector<std::optional<std::int64_t>> m_stamps;
    std::size_t m_next = 0;
};

}  // namespace

TEST_CASE("PacedSource --rate: holds each message until it is due, then gives it")
{
    using std::chrono::milliseconds;
    ManualClock clock;
    const auto start = clock.now;
    auto paced = mqtt::PacedSource(std::make_unique<mqtt::FixedSource>("x", 3), 20.0, false, clock.reader());
    CHECK(paced.next());  // the first at once
    CHECK_FALSE(paced.next());
    REQUIRE(paced.wake_at());
    CHECK(*paced.wake_at() == start + milliseconds(50));
    CHECK(paced.fd() == -1);  // no input is read while a message is held
    CHECK_FALSE(paced.done());
    clock.now = start + milliseconds(49);
    CHECK_FALSE(paced.next());
    clock.now = start + milliseconds(50);
    CHECK(paced.next());
    CHECK_FALSE(paced.next());
    CHECK(*paced.wake_at() == start + milliseconds(100));
    clock.now = start + milliseconds(100);
    CHECK(paced.next());
    CHECK(paced.done());
    CHECK_FALSE(paced.wake_at());
}

TEST_CASE("PacedSource --rate: after a stall it starts afresh instead of sending a burst")
{
    using std::chrono::milliseconds;
    ManualClock clock;
    const auto start = clock.now;
    auto paced = mqtt::PacedSource(std::make_unique<mqtt::FixedSource>("x", 4), 10.0, false, clock.reader());
    CHECK(paced.next());
    clock.now = start + milliseconds(1000);  // held back for a second (e.g. by the broker)
    CHECK(paced.next());                     // due long ago: goes now
    CHECK_FALSE(paced.next());               // but the next keeps the rate from here
    CHECK(*paced.wake_at() == start + milliseconds(1100));
}

TEST_CASE("PacedSource --pace recorded: the gaps between the records' tst times")
{
    using std::chrono::milliseconds;
    ManualClock clock;
    const auto start = clock.now;
    // tst in microseconds: 0 ms, +200 ms, none (at once), +500 ms from the first.
    auto paced = mqtt::PacedSource(
        std::make_unique<RecordedSource>(std::vector<std::optional<std::int64_t>>{5'000'000, 5'200'000, std::nullopt, 5'500'000}),
        0.0, true, clock.reader());
    CHECK(paced.next());
    CHECK_FALSE(paced.next());
    CHECK(*paced.wake_at() == start + milliseconds(200));
    clock.now = start + milliseconds(200);
    CHECK(paced.next());
    CHECK(paced.next());  // no tst: at once
    CHECK_FALSE(paced.next());
    CHECK(*paced.wake_at() == start + milliseconds(500));
    clock.now = start + milliseconds(500);
    CHECK(paced.next());
    CHECK(paced.done());
}
