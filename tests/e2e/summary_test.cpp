// mqtt-sub --summary against a real mosquitto: the JSON lines at the end (fields, order, the
// retain flag, a payload that is not UTF-8), -W and its status, --summary-interval's periodic
// reports, the topic bound folding later topics into one row, the table on a terminal (a pty
// from script(1)) with control bytes escaped, q quitting, and the usage errors.
#include "e2e.h"

#include <poll.h>
#include <pty.h>
#include <regex>
#include <sys/wait.h>

using namespace e2e;

namespace {

/// `out` with the values that depend on the time ("tst", "last_seen", "rate") replaced by
/// T, T and R, once checked to have their shape.
std::string timeless(const std::string& out)
{
    static const std::regex stamp(R"re("(tst|last_seen)":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4}")re");
    static const std::regex rate(R"re("rate":\d+(\.\d+)?(e[+-]?\d+)?,)re");
    std::string text = std::regex_replace(out, stamp, "\"$1\":T");
    return std::regex_replace(text, rate, "\"rate\":R,");
}

/// check_ended, with stdout compared once timeless.
void check_report(const test::Result& r, int status, const std::string& out, const std::string& err = {},
                  std::source_location caller = std::source_location::current())
{
    test::Result shown = r;
    shown.out = timeless(r.out);
    check_ended(shown, status, out, err, caller);
}

}  // namespace

TEST_CASE("summary: JSON lines at the end, one per topic by rate, with the retain flag and lossless payloads")
{
    test::Broker broker;
    publish(broker, {"-t", "s/r", "-m", "kept", "-r"});
    const test::Result r = run_subscriber(
        broker, "end", sub(broker, {"-i", "end", "-q", "1", "-t", "s/#", "-C", "4", "-W", "20", "--summary"}), [&] {
            publish(broker, {"-q", "1", "-t", "s/b", "-m", "x"});
            publish(broker, {"-q", "1", "-t", "s/c", "-s"}, std::string("\xff\0", 2));
            publish(broker, {"-q", "1", "-t", "s/b", "-m", "yy"});
        });
    check_report(r, 0,
                 "{\"tst\":T,\"topic\":\"s/b\",\"messages\":2,\"bytes\":3,\"rate\":R,\"last_seen\":T,\"retain\":false,"
                 "\"payloadlen\":2,\"payload\":\"yy\"}\n"
                 "{\"tst\":T,\"topic\":\"s/c\",\"messages\":1,\"bytes\":2,\"rate\":R,\"last_seen\":T,\"retain\":false,"
                 "\"payloadlen\":2,\"payload_base64\":\"/wA=\"}\n"
                 "{\"tst\":T,\"topic\":\"s/r\",\"messages\":1,\"bytes\":4,\"rate\":R,\"last_seen\":T,\"retain\":true,"
                 "\"payloadlen\":4,\"payload\":\"kept\"}\n");
}

TEST_CASE("summary: -W prints the summary, then ends with 27 and Timed out")
{
    test::Broker broker;
    const test::Result r = run_subscriber(broker, "w", sub(broker, {"-i", "w", "-t", "w", "-W", "2", "--summary"}), [&] {
        publish(broker, {"-t", "w", "-m", "1"});
    });
    check_report(r, 27,
                 "{\"tst\":T,\"topic\":\"w\",\"messages\":1,\"bytes\":1,\"rate\":R,\"last_seen\":T,"
                 "\"retain\":false,\"payloadlen\":1,\"payload\":\"1\"}\n",
                 "Timed out\n");
}

TEST_CASE("summary: --summary-interval prints the report periodically, --idle-timeout ends with a last one")
{
    test::Broker broker;
    const auto start = Clock::now();
    const test::Result r = run_subscriber(
        broker, "every",
        sub(broker, {"-i", "every", "-t", "e/#", "--summary", "--summary-interval", "0.2", "--idle-timeout", "1.5", "-W", "20"}),
        [&] {
            publish(broker, {"-t", "e/1", "-m", "hello"});
        });
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    const auto lines = split_lines(timeless(r.out));
    // About seven reports in 1.5 s, then the last: no fewer than four, whatever the load.
    CHECK(lines.size() >= 4);
    CHECK(lines.size() <= static_cast<std::size_t>(seconds_since(start) / 0.2) + 2);
    for (const auto& line : lines) {
        CHECK(line ==
              "{\"tst\":T,\"topic\":\"e/1\",\"messages\":1,\"bytes\":5,\"rate\":R,\"last_seen\":T,"
              "\"retain\":false,\"payloadlen\":5,\"payload\":\"hello\"}");
    }
}

TEST_CASE("summary: past --summary-topics, new topics are counted in one row with a null topic and their number")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "fold",
        sub(broker, {"-i", "fold", "-q", "1", "-t", "t/#", "-C", "6", "-W", "20", "--summary", "--summary-topics", "2"}), [&] {
            for (const char* topic : {"t/1", "t/2", "t/3", "t/4", "t/5", "t/4"}) {
                publish(broker, {"-q", "1", "-t", topic, "-m", std::string(topic).substr(2)});
            }
        });
    check_report(r, 0,
                 "{\"tst\":T,\"topic\":\"t/1\",\"messages\":1,\"bytes\":1,\"rate\":R,\"last_seen\":T,\"retain\":false,"
                 "\"payloadlen\":1,\"payload\":\"1\"}\n"
                 "{\"tst\":T,\"topic\":\"t/2\",\"messages\":1,\"bytes\":1,\"rate\":R,\"last_seen\":T,\"retain\":false,"
                 "\"payloadlen\":1,\"payload\":\"2\"}\n"
                 "{\"tst\":T,\"topic\":null,\"folded_topics\":3,\"messages\":4,\"bytes\":4,\"rate\":R,\"last_seen\":T,"
                 "\"retain\":false,\"payloadlen\":1,\"payload\":\"4\"}\n");
}

TEST_CASE("summary: on a terminal, a table drawn in place with control bytes escaped, and q ends it with 0")
{
    test::Broker broker;
    winsize size{};
    size.ws_row = 12;
    size.ws_col = 80;
    int master = -1;
    const std::string tool = test::tool("mqtt-sub");
    const std::string port = broker.port_str();
    // No options file or MQTT_* variable of the developer's: a home of its own, as test::run gives.
    TempDir home;
    const std::string home_var = "HOME=" + home.path(), config_var = "XDG_CONFIG_HOME=" + home.path();
    const char* const environment[] = {home_var.c_str(), config_var.c_str(), "PATH=/usr/bin:/bin", nullptr};
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::execle(tool.c_str(), tool.c_str(), "-h", "127.0.0.1", "-p", port.c_str(), "-i", "tty", "-t", "k/#", "--summary",
                 "--summary-interval", "0.2", "-W", "20", static_cast<char*>(nullptr), const_cast<char* const*>(environment));
        ::_exit(127);
    }
    std::string out;
    // Reads what the terminal shows until `wanted` is in it (true) or the time is up.
    auto read_until = [&](const std::string& wanted, std::chrono::milliseconds timeout) {
        const auto end = Clock::now() + timeout;
        while (out.find(wanted) == std::string::npos && Clock::now() < end) {
            pollfd p{master, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(master, buffer, sizeof buffer);
            if (n <= 0) break;  // EIO: the terminal's last user is gone
            out.append(buffer, static_cast<std::size_t>(n));
        }
        return out.find(wanted) != std::string::npos;
    };
    require_subscribed(broker, "tty");
    publish(broker, {"-t", "k/1", "-m", std::string("a\x1b[2Jb")});
    CHECK(read_until("mqtt-sub --summary: 1 topics, 1 messages", 10s));
    REQUIRE(::write(master, "q", 1) == 1);
    read_until("no such text: read to the end", 10s);
    int status = -1;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    ::close(master);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    INFO("terminal: " << out);
    CHECK(out.rfind("\x1b[2J\x1b[H", 0) == 0);
    CHECK(out.find("    MSG/S   MESSAGES       BYTES  LAST R TOPIC PAYLOAD\x1b[K\r\n") != std::string::npos);
    CHECK(out.find(" - k/1   a\\x1b[2Jb\x1b[K\r\n") != std::string::npos);
    // The payload's own escape sequence never reaches the terminal.
    CHECK(out.find("a\x1b[2Jb") == std::string::npos);
}

TEST_CASE("summary: usage errors")
{
    check_refusals(
        "mqtt-sub", {"-t", "x"},
        {
            {{"--summary-interval", "1"}, "Error: --summary-interval needs --summary."},
            {{"--summary-topics", "5"}, "Error: --summary-topics needs --summary."},
            {{"--summary", "--summary-interval", "0.05"}, "Error: Invalid --summary-interval \"0.05\", use 0.1 seconds or more."},
            {{"--summary", "--summary-interval", "x"}, "Error: Invalid --summary-interval \"x\", use 0.1 seconds or more."},
            {{"--summary", "--summary-topics", "0"}, "Error: Invalid --summary-topics count \"0\", use 1-1000000."},
            {{"--summary", "--summary-topics", "1000001"}, "Error: Invalid --summary-topics count \"1000001\", use 1-1000000."},
            {{"--summary", "--exec", "true"}, "Error: --summary cannot be used with --exec."},
            {{"--summary", "-w"}, "Error: --summary cannot be used with -w, which prints each message."},
            {{"--summary", "--remove-retained"}, "Error: --summary cannot be used with --remove-retained."},
            {{"--summary", "--json"},
             "Error: --summary cannot be used with -v, -F, -N, -0, --json, --pretty or --encoding: it prints its own report."},
            {{"-F", "%t", "--summary"},
             "Error: --summary cannot be used with -v, -F, -N, -0, --json, --pretty or --encoding: it prints its own report."},
        });
}

TEST_CASE("summary: MQTT_SUMMARY and MQTT_SUMMARY_TOPICS set the options")
{
    test::Broker broker;
    TempDir dir;
    const test::Result r = run_subscriber(broker, "fromenv",
                                          with_env(dir.path(), {"MQTT_SUMMARY=1", "MQTT_SUMMARY_TOPICS=1"},
                                                   sub(broker, {"-i", "fromenv", "-q", "1", "-t", "v/#", "-C", "2", "-W", "20"})),
                                          [&] {
                                              publish(broker, {"-q", "1", "-t", "v/1", "-m", "a"});
                                              publish(broker, {"-q", "1", "-t", "v/2", "-m", "b"});
                                          });
    check_report(r, 0,
                 "{\"tst\":T,\"topic\":\"v/1\",\"messages\":1,\"bytes\":1,\"rate\":R,\"last_seen\":T,\"retain\":false,"
                 "\"payloadlen\":1,\"payload\":\"a\"}\n"
                 "{\"tst\":T,\"topic\":null,\"folded_topics\":1,\"messages\":1,\"bytes\":1,\"rate\":R,\"last_seen\":T,"
                 "\"retain\":false,\"payloadlen\":1,\"payload\":\"b\"}\n");
}
