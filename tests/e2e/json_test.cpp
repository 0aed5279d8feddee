// Lossless pipelines: mqtt-sub --json | mqtt-pub --json between two brokers (every byte
// value, topics, properties, a large recording), bad records, -0 framing, --encoding,
// and pacing (--rate, --pace recorded).
#include "e2e.h"

#include <regex>
#include <sstream>

using namespace e2e;
using namespace std::string_literals;

namespace {

/// `text` quoted for /bin/sh.
std::string shell_quote(const std::string& text)
{
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

/// The commands joined by pipes, run by bash with pipefail: the status of the last one
/// that failed.
Args pipeline(const std::vector<Args>& commands)
{
    std::string script = "set -o pipefail; ";
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (i > 0) script += " | ";
        for (const auto& word : commands[i]) script += shell_quote(word) + " ";
    }
    return {"/bin/bash", "-c", script};
}

/// The --json lines without what differs between two deliveries: "tst" and "mid".
std::string without_times(const std::string& lines)
{
    static const std::regex varying(R"("tst":"[^"]*",|"mid":[0-9]+,)");
    return std::regex_replace(lines, varying, "");
}

std::string hex(const std::string& bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        out += digits[static_cast<unsigned char>(c) >> 4];
        out += digits[static_cast<unsigned char>(c) & 15];
    }
    return out;
}

/// `code` as UTF-8.
std::string utf8(std::uint32_t code)
{
    std::string out;
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xc0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xe0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code & 0x3f));
    }
    return out;
}

/// Topics that hold every byte value a topic name can hold: printable ASCII but '+' and
/// '#' (libmosquitto refuses control characters), every continuation byte and every
/// lead byte of UTF-8 (0xc2-0xf4).
std::vector<std::string> topics_with_every_byte()
{
    std::string ascii;
    for (char c = ' '; c <= '~'; ++c) {
        if (c != '+' && c != '#') ascii += c;
    }
    std::string two_bytes;  // leads 0xc2-0xdf, each with every continuation byte
    for (std::uint32_t code = 0xa0; code < 0x800; ++code) two_bytes += utf8(code);
    std::string longer;  // one character for each lead 0xe0-0xf4
    for (std::uint32_t lead = 0; lead < 16; ++lead) longer += utf8(lead << 12 | (lead == 0xd ? 0x100 : 0x900));
    for (std::uint32_t plane = 0; plane < 5; ++plane) longer += utf8(0x10400 + plane * 0x40000 - (plane ? 0x10000 : 0));
    return {ascii, two_bytes, longer};
}

}  // namespace

TEST_CASE("json: mqtt-sub --json | mqtt-pub --json copies every byte of payloads, topics and properties")
{
    test::Broker from;
    test::Broker to;
    TempDir dir;
    const std::string binary = binary_payload(1024);
    std::string text;  // valid UTF-8: every ASCII byte (NUL and controls escaped in JSON) and more
    for (int c = 0; c < 128; ++c) text += static_cast<char>(c);
    text += utf8(0xe9) + utf8(0x20ac) + utf8(0x1f600);
    const auto topics = topics_with_every_byte();
    constexpr int k_messages = 7;

    const std::string count = std::to_string(k_messages);
    const std::string recorded = dir.path() + "/recorded.jsonl";
    test::Child copy(
        sub(to, {"-i", "copy", "-V", "5", "-q", "1", "-t", "#", "--retain-as-published", "--json", "-C", count, "-W", "20"}));
    test::Child bytes(sub(to, {"-i", "bytes", "-t", "bytes/all", "-F", "%x", "-C", "1", "-W", "20"}));
    require_subscribed(to, "copy");
    require_subscribed(to, "bytes");
    test::Child bridge(pipeline(
        {sub(from, {"-i", "bridge", "-V", "5", "-q", "1", "-t", "#", "--retain-as-published", "--json", "-C", count, "-W", "20"}),
         {"/usr/bin/tee", recorded},
         pub(to, {"--json", "-V", "5"})}));
    require_subscribed(from, "bridge");

    const std::string file = dir.write("binary", binary);
    publish(from, {"-V", "5", "-q", "1", "-t", "bytes/all", "-f", file});
    publish(from, {"-V", "5", "-q", "1", "-t", "text/all", "-f", dir.write("text", text)});
    publish(from, {"-V", "5", "-q", "1", "-t", "empty", "-n", "-r"});
    for (const auto& topic : topics) publish(from, {"-V", "5", "-q", "1", "-t", topic, "-m", "topic"});
    publish(from,
            {"-V",
             "5",
             "-q",
             "0",
             "-t",
             "props",
             "-m",
             "with properties",
             "-D",
             "publish",
             "user-property",
             "k",
             "v",
             "-D",
             "publish",
             "user-property",
             "k",
             "v2",
             "-D",
             "publish",
             "content-type",
             "text/plain",
             "-D",
             "publish",
             "response-topic",
             "re/ply",
             "-D",
             "publish",
             "correlation-data",
             "\x01\xfe\xff",
             "-D",
             "publish",
             "payload-format-indicator",
             "1"});

    const test::Result b = bridge.wait(20s);
    const test::Result c = copy.wait(20s);
    const test::Result x = bytes.wait(20s);
    INFO("bridge stderr: " << b.err);
    CHECK(b.status == 0);
    CHECK(b.err == "");
    CHECK(c.status == 0);
    CHECK(x.out == hex(binary) + "\n");
    std::ifstream in(recorded, std::ios::binary);
    const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(std::count(original.begin(), original.end(), '\n') == k_messages);
    CHECK(original.find("\"payload_base64\":") != std::string::npos);
    CHECK(original.find("\"correlation-data_base64\":\"Af7/\"") != std::string::npos);
    CHECK(original.find("\"retain\":true") != std::string::npos);
    // What arrived at the second broker is what the first one delivered.
    CHECK(without_times(c.out) == without_times(original));
}

TEST_CASE("json: 100000 messages (MQTT_TOOLS_JSON_COUNT) at QoS 1 recorded with --json and replayed, none lost or changed")
{
    // The issue asks for 1 000 000. QoS 1 through the broker runs at about 8 000 messages a
    // second each way on this (shared, loaded) machine: that would be four minutes of test
    // time, so the suite uses a tenth; the streams and the code paths are the same.
    // MQTT_TOOLS_JSON_COUNT=1000000 runs the full count (with -W and waits scaled).
    const char* wanted = std::getenv("MQTT_TOOLS_JSON_COUNT");
    const int k_count = wanted ? std::atoi(wanted) : 100000;
    REQUIRE(k_count > 0);
    const auto bound = std::chrono::seconds(60 + k_count / 2000);
    const std::string wait_s = std::to_string(bound.count());
    std::string lines;
    for (int i = 1; i <= k_count; ++i) lines += "message " + std::to_string(i) + "\n";
    test::Broker from;
    test::Broker to;
    TempDir dir;
    const std::string recording = dir.path() + "/recording.jsonl";
    const std::string count = std::to_string(k_count);

    const auto start = Clock::now();
    test::Child recorder(
        with_stdout_to(recording, sub(from, {"-i", "rec", "-q", "1", "-t", "bulk", "--json", "-C", count, "-W", wait_s})));
    require_subscribed(from, "rec");
    test::Child source(pub(from, {"-q", "1", "-t", "bulk", "-l"}), lines);
    CHECK(source.wait(bound).status == 0);
    const test::Result r = recorder.wait(bound);
    REQUIRE(r.status == 0);
    MESSAGE("recording " << k_count << " messages took " << seconds_since(start) << " s");

    const auto replay_start = Clock::now();
    test::Child copy(sub(to, {"-i", "copy", "-q", "1", "-t", "bulk", "-C", count, "-W", wait_s}));
    require_subscribed(to, "copy");
    test::Child replay(with_stdin_from(recording, pub(to, {"--json"})));
    const test::Result c = copy.wait(bound);
    const test::Result p = replay.wait(bound);
    MESSAGE("replaying took " << seconds_since(replay_start) << " s");
    CHECK(p.status == 0);
    CHECK(p.err == "");
    CHECK(c.status == 0);
    const bool same = c.out == lines;
    CHECK_MESSAGE(same, "got " << c.out.size() << " bytes, expected " << lines.size());
}

TEST_CASE("json: a bad record stops mqtt-pub --json with its line number, after the good ones before it")
{
    test::Broker broker;
    const auto then = [&] {
        const std::string input =
            "{\"topic\":\"a\",\"payload\":\"one\"}\n\n{\"payload\":\"two\",\"qos\":3}\n{\"payload\":\"three\"}\n";
        const test::Result p = test::run(pub(broker, {"--json", "-t", "fallback", "-q", "1"}), input);
        CHECK(p.status == 1);
        CHECK(p.err ==
              "Error: Line 3: \"qos\" must be 0, 1 or 2.\n"
              "Account: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
    };
    const test::Result r =
        run_subscriber(broker, "bad", sub(broker, {"-i", "bad", "-t", "#", "-v", "-W", "10", "--idle-timeout", "1"}), then);
    CHECK(r.out == "a one\n");
}

TEST_CASE("json: --on-error skip sends the good records, warns per bad one and ends with 1")
{
    test::Broker broker;
    const auto then = [&] {
        const std::string input = "{\"topic\":\"a\",\"payload\":\"one\"}\nnot json\n{\"topic\":\"a/+\",\"payload\":\"x\"}\n"
                                  "{\"payload_base64\":\"dHdv\"}\n";
        const test::Result p = test::run(pub(broker, {"--json", "-t", "fallback", "--on-error", "skip"}), input);
        CHECK(p.status == 1);
        CHECK(p.err ==
              "Warning: Line 2 skipped: not JSON at byte 1: not a JSON value.\n"
              "Warning: Line 3 skipped: Invalid publish topic 'a/+', does it contain '+' or '#'?\n"
              "Error: 2 bad lines skipped (the first: line 2).\n"
              "Account: sent 2, acknowledged 2, refused 0, not acknowledged 0.\n");
    };
    const test::Result r =
        run_subscriber(broker, "skip", sub(broker, {"-i", "skip", "-t", "#", "-v", "-C", "2", "-W", "10"}), then);
    check_ended(r, 0, "a one\nfallback two\n");
}

TEST_CASE("json: mqtt-pub --json -f reads the records from a file, -t, -q and -r fill in what they leave out")
{
    test::Broker broker;
    TempDir dir;
    const std::string file =
        dir.write("records", "{\"topic\":\"own\",\"qos\":0,\"retain\":false,\"payload\":\"a\"}\n{\"payload\":\"b\"}");
    const test::Result r = run_subscriber(
        broker, "file", sub(broker, {"-i", "file", "-t", "#", "-F", "%t %q %r %p", "-q", "2", "-C", "2", "-W", "10"}), [&] {
            publish(broker, {"--json", "-f", file, "-t", "default", "-q", "1", "-r"});
        });
    // A retained message is delivered to live subscribers with retain 0.
    check_ended(r, 0, "own 0 0 a\ndefault 1 0 b\n");
}

TEST_CASE("json: -0 frames records with NUL so payloads with newlines survive a pipe")
{
    test::Broker from;
    test::Broker to;
    test::Child copy(sub(to, {"-i", "copy0", "-t", "copy", "-0", "-C", "3", "-W", "20"}));
    require_subscribed(to, "copy0");
    test::Child bridge(pipeline({sub(from, {"-i", "bridge0", "-q", "1", "-t", "lines", "-0", "-C", "3", "-W", "20"}),
                                 pub(to, {"-0", "-q", "1", "-t", "copy"})}));
    require_subscribed(from, "bridge0");
    publish(from, {"-q", "1", "-t", "lines", "-m", "two\nlines"});
    publish(from, {"-q", "1", "-t", "lines", "-n"});
    publish(from, {"-q", "1", "-t", "lines", "-m", "crlf\r\n"});
    const test::Result b = bridge.wait(20s);
    CHECK(b.status == 0);
    CHECK(b.err == "");
    const test::Result c = copy.wait(20s);
    CHECK(c.out == "two\nlines\0\0crlf\r\n\0"s);
}

TEST_CASE("json: --json -0 reads NUL-terminated JSON records")
{
    test::Broker broker;
    const test::Result r =
        run_subscriber(broker, "json0", sub(broker, {"-i", "json0", "-t", "#", "-v", "-C", "2", "-W", "10"}), [&] {
            publish(broker, {"--json", "-0"}, "{\"topic\":\"a\",\n\"payload\":\"x\"}\0{\"topic\":\"b\",\"payload\":\"y\"}\0"s);
        });
    check_ended(r, 0, "a x\nb y\n");
}

TEST_CASE("json: --encoding decodes what mqtt-pub sends and encodes what mqtt-sub prints")
{
    test::Broker broker;
    test::Child raw(sub(broker, {"-i", "raw", "-t", "enc", "-F", "%x", "-C", "3", "-W", "10"}));
    test::Child b64(sub(broker, {"-i", "b64", "-t", "enc", "-v", "--encoding", "base64", "-C", "3", "-W", "10"}));
    require_subscribed(broker, "raw");
    require_subscribed(broker, "b64");
    publish(broker, {"-t", "enc", "--encoding", "hex", "-m", "00ff41"});
    publish(broker, {"-t", "enc", "--encoding", "base64", "-l"}, "AAEC\n/w==\n");
    CHECK(raw.wait(10s).out == "00ff41\n000102\nff\n");
    CHECK(b64.wait(10s).out == "enc AP9B\nenc AAEC\nenc /w==\n");

    const test::Result bad = test::run(pub(broker, {"-t", "enc", "--encoding", "hex", "-m", "abc"}));
    CHECK(bad.status == 1);
    CHECK(bad.err == "Error: The -m message is not valid hex.\n");
    const test::Result line = test::run(pub(broker, {"-t", "enc", "--encoding", "base64", "-l"}), "AAEC\n%%\n");
    CHECK(line.status == 1);
    CHECK(line.err ==
          "Error: Line 2: not valid base64.\n"
          "Account: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
}

TEST_CASE("json: --rate spaces the messages of -l and --repeat")
{
    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "rate", "-t", "rate", "-C", "17", "-W", "20"}));
    require_subscribed(broker, "rate");
    auto start = Clock::now();
    publish(broker, {"-t", "rate", "-q", "1", "-l", "--rate", "10"}, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n");
    const double lines = seconds_since(start);
    start = Clock::now();
    publish(broker, {"-t", "rate", "-m", "r", "--repeat", "6", "--rate", "1200/m"});
    const double repeated = seconds_since(start);
    CHECK(subscriber.wait(20s).status == 0);
    // 10 gaps of 0.1 s, then 5 of 0.05 s: never faster; slower only by the machine's load.
    CHECK_MESSAGE(lines >= 0.95, lines);
    CHECK_MESSAGE(lines < 6.0, lines);
    CHECK_MESSAGE(repeated >= 0.24, repeated);
    CHECK_MESSAGE(repeated < 4.0, repeated);
}

TEST_CASE("json: --pace recorded replays the gaps between the records' tst")
{
    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "pace", "-t", "pace", "-F", "%U %p", "-C", "3", "-W", "20"}));
    require_subscribed(broker, "pace");
    const std::string records = "{\"tst\":\"2026-01-01T10:00:00.000000+0100\",\"topic\":\"pace\",\"payload\":\"1\"}\n"
                                "{\"tst\":\"2026-01-01T09:00:00.400000Z\",\"topic\":\"pace\",\"payload\":\"2\"}\n"
                                "{\"tst\":\"2026-01-01T10:00:00.800000+01:00\",\"topic\":\"pace\",\"payload\":\"3\"}\n";
    const auto start = Clock::now();
    publish(broker, {"--json", "--pace", "recorded"}, records);
    const double took = seconds_since(start);
    const std::string out = subscriber.wait(20s).out;
    std::istringstream lines(out);
    double first = 0, second = 0, third = 0;
    std::string p1, p2, p3;
    lines >> first >> p1 >> second >> p2 >> third >> p3;
    CHECK(p1 + p2 + p3 == "123");
    // Each recorded gap is 0.4 s: kept to within 40 ms early (timer granularity, never in
    // practice) and 600 ms late (a loaded machine under ASan), and the whole never shorter.
    CHECK_MESSAGE(second - first >= 0.36, out);
    CHECK_MESSAGE(second - first < 1.0, out);
    CHECK_MESSAGE(third - second >= 0.36, out);
    CHECK_MESSAGE(third - second < 1.0, out);
    CHECK_MESSAGE(took >= 0.78, took);
    CHECK_MESSAGE(took < 5.0, took);
}

TEST_CASE("json: option errors")
{
    const auto error_of = [](const std::string& tool, const Args& args) {
        return first_line(test::run(command(tool, args)).err);
    };
    CHECK(error_of("mqtt-pub", {"--json", "-m", "x"}) ==
          "Error: --json reads standard input or -f; it cannot be used with -m, -s, -l or -n.");
    CHECK(error_of("mqtt-pub", {"-t", "t", "-l", "--pace", "recorded"}) ==
          "Error: --pace recorded needs --json, whose records carry their times.");
    CHECK(error_of("mqtt-pub", {"-t", "t", "-l", "--rate", "0"}) ==
          "Error: --rate must be a positive number of messages per second, or N/m, N/h, not \"0\".");
    CHECK(error_of("mqtt-pub", {"-t", "t", "-l", "--on-error", "ignore"}) ==
          "Error: --on-error must be stop or skip, not \"ignore\".");
    CHECK(error_of("mqtt-sub", {"-t", "t", "--json", "-F", "%p"}) == "Error: --json and -F cannot be used together.");
    CHECK(error_of("mqtt-sub", {"-t", "t", "--encoding", "utf8"}) == "Error: --encoding must be hex or base64, not \"utf8\".");
    CHECK(error_of("mqtt-sub", {"-t", "t", "--json", "--pretty"}) ==
          "Error: --pretty cannot be used with --json, which prints one object per line.");
    CHECK(error_of("mqtt-pub", {"-t", "t", "--json", "--encoding", "hex"}) ==
          "Error: --encoding cannot be used with --json, whose payloads are lossless.");
    CHECK(error_of("mqtt-pub", {"-t", "t", "-0", "-s"}) ==
          "Error: -0 splits -l, -f or --json input into records; it cannot be used with -m, -s or -n.");
    CHECK(error_of("mqtt-pub", {"-t", "t", "-l", "--rate", "5", "--repeat-delay", "1"}) ==
          "Error: --rate and --repeat-delay cannot be used together.");
    CHECK(error_of("mqtt-pub", {"--json", "--rate", "5", "--pace", "recorded"}) ==
          "Error: --pace recorded and --rate cannot be used together.");
    CHECK(error_of("mqtt-pub", {"--json", "-V", "5", "-D", "publish", "topic-alias", "1"}) ==
          "Error: -D publish topic-alias cannot be used with --json, whose records have their own topics.");
    CHECK(error_of("mqtt-pub", {"-0"}) == "Error: Both topic and message must be supplied.");
}

TEST_CASE("json: --stats prints one JSON object on stderr, --stamp gives mqtt-sub latencies")
{
    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "stats", "-V", "5", "-q", "1", "-t", "st", "-C", "50", "--stats", "-W", "20"}));
    require_subscribed(broker, "stats");
    std::string lines;
    for (int i = 0; i < 50; ++i) lines += "ab\n";
    const test::Result p = test::run(pub(broker, {"-V", "5", "-q", "1", "-t", "st", "-l", "--stamp", "--stats"}), lines);
    CHECK(p.status == 0);
    CHECK(std::regex_match(p.err,
                           std::regex(R"(\{"tool":"mqtt-pub","sent":50,"sent_bytes":100,"acknowledged":50,)"
                                      R"("refused":0,"duration_s":[0-9]+\.[0-9]{3},"rate":[0-9]+\.[0-9]\}\n)")));
    const test::Result r = subscriber.wait(20s);
    CHECK(r.status == 0);
    CHECK(r.out == lines);  // with MQTT 5 the stamp is a property: payloads unchanged
    std::smatch match;
    REQUIRE(std::regex_match(r.err, match,
                             std::regex(R"(\{"tool":"mqtt-sub","received":50,"received_bytes":100,)"
                                        R"("duration_s":[0-9.]+,"rate":[0-9.]+,"latency_ms":\{"count":50,)"
                                        R"("p50":([0-9.]+),"p90":[0-9.]+,"p99":[0-9.]+,"max":([0-9.]+)\}\}\n)")));
    // Same machine, same clock: a latency is positive and well below the run's bounds.
    CHECK(std::stod(match[1]) > 0.0);
    CHECK(std::stod(match[2]) < 20000.0);
}

TEST_CASE("json: --stamp with MQTT 3 puts the send time in front of the payload")
{
    test::Broker broker;
    const test::Result r =
        run_subscriber(broker, "stamp3", sub(broker, {"-i", "stamp3", "-t", "st", "-C", "1", "-W", "10"}), [&] {
            publish(broker, {"-t", "st", "-m", "x", "--stamp"});
        });
    CHECK(r.status == 0);
    CHECK(std::regex_match(r.out, std::regex("stamp:[0-9]{19};x\n")));
}

TEST_CASE("json: --progress shows a line on a terminal, nothing on a pipe")
{
    test::Broker broker;
    TempDir dir;
    std::string records;
    for (int i = 0; i < 1000; ++i) records += "{\"topic\":\"p\",\"payload\":\"x\"}\n";
    const std::string file = dir.write("records", records);
    // On a pipe: no progress at all.
    publish(broker, {"--json", "-f", file, "--progress"});
    // On a terminal (script(1) gives the tool one): the last state, on its own line.
    std::string command;
    for (const auto& word : pub(broker, {"--json", "-f", file, "--progress"})) command += shell_quote(word) + " ";
    const test::Result t = test::run({"/usr/bin/script", "-q", "-e", "-c", command + ">/dev/null", "/dev/null"});
    CHECK(t.status == 0);
    CHECK(t.out.find("\r1000 messages, 0.0 MB, ") != std::string::npos);
    CHECK(t.out.find("/s, 100%\x1b[K\r\n") != std::string::npos);
    // --quiet keeps the terminal quiet too.
    const test::Result q = test::run({"/usr/bin/script", "-q", "-e", "-c", command + "--quiet >/dev/null", "/dev/null"});
    CHECK(q.status == 0);
    CHECK(q.out == "");
}
