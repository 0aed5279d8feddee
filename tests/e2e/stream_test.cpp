// Streams and payloads: -l line mode (big, partial, live), -f and -s binary payloads,
// -n, --repeat and --repeat-delay.
#include "e2e.h"

#include <algorithm>
#include <string>

using namespace e2e;

namespace {

/// Where `a` and `b` first differ (the shorter size if one is a prefix of the other).
std::size_t first_difference(const std::string& a, const std::string& b)
{
    const auto mismatch =
        std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(std::min(a.size(), b.size())), b.begin());
    return static_cast<std::size_t>(mismatch.first - a.begin());
}

/// Compares big outputs without printing megabytes when they differ.
void check_same_bytes(const std::string& got, const std::string& expected)
{
    const bool same = got == expected;
    CHECK_MESSAGE(same,
                  "got " << got.size() << " bytes, expected " << expected.size() << ", first difference at byte "
                         << first_difference(got, expected));
}

/// How many times `needle` occurs in `haystack`.
std::size_t count_of(const std::string& haystack, const std::string& needle)
{
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
    return n;
}

/// mqtt-pub --repeat 3 --repeat-delay 0.2 at `qos` takes at least the two delays.
void repeat_delay_spaces_messages(const std::string& qos)
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "paced", "-t", "paced", "-C", "3", "-W", "10"});
    double took = 0;
    const test::Result r = run_subscriber(broker, "paced", argv, [&] {
        const auto start = Clock::now();
        const test::Result p =
            test::run(pub(broker, {"-q", qos, "-t", "paced", "-m", "tick", "--repeat", "3", "--repeat-delay", "0.2"}));
        took = seconds_since(start);
        CHECK(p.status == 0);
        CHECK(p.err == "");
    });
    check_ended(r, 0, "tick\ntick\ntick\n");
    // Two delays of 0.2 s between three messages (a lower bound only).
    CHECK_MESSAGE(took >= 0.38, "mqtt-pub took " << took << " s");
}

}  // namespace

TEST_CASE("stream: -l sends 100000 lines at QoS 1, all received in order")
{
    std::string lines;
    for (int i = 1; i <= 100000; ++i) lines += "line " + std::to_string(i) + "\n";

    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "lines", "-q", "1", "-t", "bulk/lines", "-C", "100000", "-W", "60"}));
    require_subscribed(broker, "lines");

    const auto start = Clock::now();
    test::Child publisher(pub(broker, {"-q", "1", "-t", "bulk/lines", "-l"}), lines);
    // Drain the subscriber while the publisher runs: its output is bigger than a pipe.
    const test::Result r = subscriber.wait(60s);
    const test::Result p = publisher.wait(30s);
    MESSAGE("100000 lines at QoS 1 took " << seconds_since(start) << " s");

    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 0);
    CHECK(p.err == "");
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(r.err == "");
    check_same_bytes(r.out, lines);
}

TEST_CASE("stream: -l keeps CR, sends empty lines as empty messages and a last line without newline")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "edges", "-t", "t", "-v", "-C", "6", "-W", "10"});
    const test::Result r = run_subscriber(broker, "edges", argv, [&] {
        publish(broker, {"-q", "1", "-t", "t", "-l"}, "first\n\nwindows\r\n\n  spaced  \nno newline at the end");
    });
    check_ended(r, 0, "t first\nt (null)\nt windows\r\nt (null)\nt   spaced  \nt no newline at the end\n");
}

TEST_CASE("stream: -l with empty stdin sends nothing and ends with 0")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "nothing", "-t", "t", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "nothing", argv, [&] {
        publish(broker, {"-t", "t", "-l"}, "");
        // Had the empty input produced a message, -C 1 would have printed it instead.
        publish(broker, {"-t", "t", "-m", "marker"});
    });
    check_ended(r, 0, "t marker\n");
}

TEST_CASE("stream: -l publishes each line as soon as it is read")
{
    test::Broker broker;
    TempDir dir;
    Fifo fifo(dir);
    test::Child subscriber(sub(broker, {"-i", "live", "-t", "live", "-v", "-C", "2", "-W", "10"}));
    require_subscribed(broker, "live");

    test::Child publisher(with_stdin_from(fifo.path(), pub(broker, {"-q", "1", "-t", "live", "-l"})));
    fifo.write("first\n");
    // Delivered while mqtt-pub still waits for more input.
    CHECK(subscriber.wait_for_output(11, 10s));
    CHECK(subscriber.out_so_far() == "live first\n");

    fifo.write("second");
    fifo.close();
    const test::Result p = publisher.wait(10s);
    CHECK(p.status == 0);
    CHECK(p.err == "");

    const test::Result r = subscriber.wait(10s);
    CHECK(r.status == 0);
    CHECK(r.out == "live first\nlive second\n");
}

TEST_CASE("stream: -l at QoS 2 sends 2000 lines in order")
{
    std::string lines;
    for (int i = 1; i <= 2000; ++i) lines += std::to_string(i) + "\n";

    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "q2lines", "-q", "2", "-t", "q2", "-C", "2000", "-W", "20"}));
    require_subscribed(broker, "q2lines");

    const test::Result p = test::run(pub(broker, {"-q", "2", "-t", "q2", "-l"}), lines);
    CHECK(p.status == 0);
    CHECK(p.err == "");

    const test::Result r = subscriber.wait(20s);
    CHECK(r.status == 0);
    check_same_bytes(r.out, lines);
}

TEST_CASE("stream: -f sends a 16 MiB binary file byte-exact")
{
    const std::string payload = binary_payload(16 * 1024 * 1024);
    TempDir dir;
    const std::string file = dir.write("big.bin", payload);

    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "big", "-t", "blob", "-N", "-C", "1", "-W", "20"}));
    require_subscribed(broker, "big");

    test::Child publisher(pub(broker, {"-q", "1", "-t", "blob", "-f", file}));
    const test::Result r = subscriber.wait(20s);
    const test::Result p = publisher.wait(20s);

    CHECK(p.status == 0);
    CHECK(p.err == "");
    CHECK(r.status == 0);
    CHECK(r.err == "");
    check_same_bytes(r.out, payload);
}

TEST_CASE("stream: -s sends all of stdin as one binary message")
{
    const std::string payload = binary_payload(1024 * 1024 + 17);

    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "stdin", "-t", "blob", "-N", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "stdin");

    test::Child publisher(pub(broker, {"-t", "blob", "-s"}), payload);
    const test::Result r = subscriber.wait(10s);
    const test::Result p = publisher.wait(10s);

    CHECK(p.status == 0);
    CHECK(p.err == "");
    CHECK(r.status == 0);
    check_same_bytes(r.out, payload);
    CHECK(count_of(broker.log(), "Received PUBLISH from ") == 1);
}

TEST_CASE("stream: -f of an empty file sends an empty message")
{
    TempDir dir;
    const std::string file = dir.write("empty", "");

    test::Broker broker;
    const Args argv = sub(broker, {"-i", "emptyfile", "-t", "t", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "emptyfile", argv, [&] { publish(broker, {"-t", "t", "-f", file}); });
    check_ended(r, 0, "t (null)\n");
}

TEST_CASE("stream: -f of a missing file ends with 1")
{
    TempDir dir;
    const std::string missing = dir.path() + "/no-such-file.bin";
    // Port 1: were the file not checked before connecting, this would end with status 6.
    const test::Result r = test::run(command("mqtt-pub", {"-h", "127.0.0.1", "-p", "1", "-t", "t", "-f", missing}));
    CHECK(r.status == 1);
    CHECK(first_line(r.err) == "Error: Unable to open file \"" + missing + "\".");
    // An input error, not a usage error: no --help hint (as upstream).
    CHECK(r.err == "Error: Unable to open file \"" + missing + "\".\n");
    CHECK(r.out == "");
}

TEST_CASE("stream: --quiet silences the -f error but keeps status 1")
{
    TempDir dir;
    const test::Result r =
        test::run(command("mqtt-pub", {"-h", "127.0.0.1", "-p", "1", "--quiet", "-t", "t", "-f", dir.path() + "/missing"}));
    check_ended(r, 1, "");
}

TEST_CASE("stream: -s with empty stdin ends with 1")
{
    const test::Result r = test::run(command("mqtt-pub", {"-h", "127.0.0.1", "-p", "1", "-t", "t", "-s"}), "");
    CHECK(r.status == 1);
    CHECK(first_line(r.err) == "Error: Zero length input.");
    CHECK(r.err == "Error: Zero length input.\n");
    CHECK(r.out == "");
}

TEST_CASE("stream: --repeat 5 sends the message 5 times over one connection")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "repeat", "-t", "r", "-v", "-C", "5", "-W", "10"});
    const test::Result r = run_subscriber(broker, "repeat", argv, [&] {
        publish(broker, {"-i", "repeater", "-q", "1", "-t", "r", "-m", "again", "--repeat", "5"});
    });
    check_ended(r, 0, "r again\nr again\nr again\nr again\nr again\n");
    const std::string log = broker.log();
    CHECK(count_of(log, "Received PUBLISH from repeater ") == 5);
    CHECK(count_of(log, " as repeater (") == 1);
}

TEST_CASE("stream: --repeat-delay spaces repeated QoS 1 messages")
{
    repeat_delay_spaces_messages("1");
}

TEST_CASE("stream: --repeat-delay spaces repeated QoS 0 messages")
{
    // A QoS 0 message completes inside mosquitto_publish: the pacing must still apply.
    repeat_delay_spaces_messages("0");
}

TEST_CASE("stream: --template renders -t and -m per --repeat message, and each -l line")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "tpl", "-t", "tpl/#", "-v", "-C", "5", "-W", "10"});
    const test::Result r = run_subscriber(broker, "tpl", argv, [&] {
        const test::Result p = test::run(
            pub(broker, {"--template", "-q", "1", "-t", "tpl/{seq}", "-m", "n={seq:10} r={rand:7-7} {{x}}", "--repeat", "3"}));
        CHECK(p.status == 0);
        CHECK(p.err == "");
        const test::Result l = test::run(pub(broker, {"--template", "-q", "1", "-t", "tpl/l", "-l"}), "a{seq}\nplain}}\n");
        CHECK(l.status == 0);
        CHECK(l.err == "");
    });
    check_ended(r, 0, "tpl/1 n=10 r=7 {x}\ntpl/2 n=11 r=7 {x}\ntpl/3 n=12 r=7 {x}\ntpl/l a1\ntpl/l plain}\n");
}

TEST_CASE("stream: --template's unknown placeholder is a usage error, and a bad -l line stops the stream")
{
    test::Broker broker;
    const test::Result p = test::run(pub(broker, {"--template", "-t", "t", "-m", "{nope}"}));
    check_ended(p, 1, "", "Error: -m: Unknown placeholder \"{nope}\".\nUse 'mqtt-pub --help' to see usage.\n");
    const test::Result l = test::run(pub(broker, {"--template", "-t", "t", "-l"}), "ok\n{seq\n");
    CHECK(l.status == 1);
    CHECK(l.err ==
          "Error: Line 2: A '{' at byte 1 without its '}': write {{ for a literal brace.\n"
          "Account: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
    const test::Result f = test::run(pub(broker, {"--template", "-t", "t", "-s"}), "x");
    CHECK(f.status == 1);
    CHECK(f.err ==
          "Error: --template applies to -t, -m and -l lines; it cannot be used with -f, -s or --json.\n"
          "Use 'mqtt-pub --help' to see usage.\n");
}
