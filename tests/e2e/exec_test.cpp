// mqtt-sub --exec against a real mosquitto: the payload's bytes (NUL too) on the command's
// stdin, the message's facts in its environment, message order with one job, several jobs at
// once, FILTER=CMD rules, failures (one line each, status 16, --exec-ignore-failures,
// --on-error stop), commands that cannot start, SIGINT letting a command finish, usage errors,
// back-pressure (memory stays flat while messages wait for a slow command), the end of
// commands after SIGINT (5 s) and at -W, MQTT_EXEC from the environment.
#include "e2e.h"

#include <csignal>
#include <regex>

using namespace e2e;

namespace {

/// mqtt-sub (client id `id`, QoS 1, -W 30, then `args`) while each (topic, payload) is
/// published with QoS 1 in order.
test::Result exec_while_publishing(const test::Broker& broker, const std::string& id, const Args& args,
                                   const std::vector<std::pair<std::string, std::string>>& messages, const Args& pub_extra = {})
{
    Args argv{"-i", id, "-q", "1", "-W", "30"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_subscriber(
        broker, id, sub(broker, argv),
        [&] {
            for (const auto& [topic, payload] : messages) {
                Args pub_args{"-q", "1", "-t", topic, "-m", payload};
                pub_args.insert(pub_args.end(), pub_extra.begin(), pub_extra.end());
                publish(broker, pub_args);
            }
        },
        40s);
}

}  // namespace

TEST_CASE("exec: the payload's bytes, NUL included, reach the command's stdin, the topic and QoS its environment")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "bytes",
        sub(broker,
            {"-i", "bytes", "-q", "1", "-W", "20", "-t", "bin/#", "-C", "1", "--exec",
             "sh -c 'od -An -tx1; echo \"$MQTT_TOPIC $MQTT_QOS $MQTT_RETAIN\"'"}),
        [&] {
            publish(broker, {"-q", "1", "-t", "bin/x", "-s"}, std::string("a\0\xff\n", 4));
        },
        30s);
    check_ended(r, 0, " 61 00 ff 0a\nbin/x 1 0\n");
}

TEST_CASE("exec: MQTT 5 response topic, correlation data (hex) and user properties are in the environment")
{
    test::Broker broker;
    const test::Result r = exec_while_publishing(
        broker, "props", {"-V", "5", "--retain-as-published", "-t", "p", "-C", "1", "--exec", "sh -c 'env | grep ^MQTT_ | sort'"},
        {{"p", "x"}},
        {"-V", "5", "-D", "publish", "response-topic", "reply/here", "-D", "publish", "correlation-data:hex", "00ff10", "-D",
         "publish", "user-property", "dev-id", "42", "-r"});
    check_ended(r, 0,
                "MQTT_CORRELATION_DATA=00ff10\nMQTT_QOS=1\nMQTT_RESPONSE_TOPIC=reply/here\nMQTT_RETAIN=1\n"
                "MQTT_TOPIC=p\nMQTT_USER_PROPERTY_DEV_ID=42\n");
}

TEST_CASE("exec: with one job (the default) the commands run one after another, in the order the messages came")
{
    test::Broker broker(with_extra("max_queued_messages 10000000\n"));
    std::vector<std::pair<std::string, std::string>> messages;
    std::string expected;
    for (int i = 1; i <= 30; ++i) {
        messages.emplace_back("seq", std::to_string(i));
        expected += "<" + std::to_string(i) + ">\n";
    }
    // Each command is slow enough that the queue fills and the tool stops reading for a while.
    const test::Result r = exec_while_publishing(
        broker, "order", {"-t", "seq", "-C", "30", "--exec", "sh -c 'sleep 0.02; printf \"<%s>\\n\" \"$(cat)\"'"}, messages);
    check_ended(r, 0, expected);
}

TEST_CASE("exec: --exec-jobs 4 runs four commands at once")
{
    test::Broker broker;
    TempDir dir;
    // Each command marks its start, then waits until all four have started: one after
    // another, the first would wait until -W (27) instead of the four ending together.
    const std::string command =
        "sh -c 'touch " + dir.path() + "/$(cat); until [ $(ls " + dir.path() + " | wc -l) -ge 4 ]; do sleep 0.05; done'";
    const test::Result r = exec_while_publishing(broker, "jobs", {"-t", "slow", "-C", "4", "--exec-jobs", "4", "--exec", command},
                                                 {{"slow", "1"}, {"slow", "2"}, {"slow", "3"}, {"slow", "4"}});
    check_ended(r, 0, "");
}

TEST_CASE("exec: FILTER=CMD rules, the first match wins, a message no rule matches runs nothing and is not counted by -C")
{
    test::Broker broker;
    const test::Result r = exec_while_publishing(
        broker, "rules",
        {"-t", "#", "-C", "3", "--exec", "dev/+/alarm=sh -c 'echo alarm $MQTT_TOPIC'", "--exec", "dev/#=sh -c 'echo log $(cat)'"},
        {{"other", "x"}, {"dev/a/alarm", "1"}, {"dev/a/state", "2"}, {"other", "y"}, {"dev", "3"}});
    check_ended(r, 0, "alarm dev/a/alarm\nlog 2\nlog 3\n");
}

TEST_CASE("exec: a failing command prints one line with the topic and its status, the job ends with 16")
{
    test::Broker broker;
    const test::Result r =
        exec_while_publishing(broker, "fails", {"-t", "f/#", "-C", "3", "--exec", "sh -c 'cat; echo; exit ${MQTT_TOPIC#f/}'"},
                              {{"f/0", "a"}, {"f/3", "b"}, {"f/0", "c"}});
    check_ended(r, 16, "a\nb\nc\n",
                "Warning: The command \"sh -c 'cat; echo; exit ${MQTT_TOPIC#f/}'\" for the message on "
                "topic f/3 failed: exit status 3.\n"
                "Error: 1 of 3 commands failed.\n");
}

TEST_CASE("exec: --exec-ignore-failures keeps the status 0, the failure still reported, --stats counts commands")
{
    test::Broker broker;
    const test::Result r = exec_while_publishing(
        broker, "ignores", {"-t", "f/#", "-C", "2", "--stats", "--exec-ignore-failures", "--exec", "f/1=false", "--exec", "true"},
        {{"f/1", "a"}, {"f/2", "bc"}});
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(r.out.empty());
    const auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "Warning: The command \"false\" for the message on topic f/1 failed: exit status 1.");
    CHECK(std::regex_match(lines[1],
                           std::regex(R"(\{"tool":"mqtt-sub","received":2,"received_bytes":3,)"
                                      R"("commands":2,"commands_failed":1,"duration_s":[0-9.]+,"rate":[0-9.]+\})")));
}

TEST_CASE("exec: --on-error stop ends the job at the first failed command, with 16 and its line")
{
    test::Broker broker;
    const test::Result r = exec_while_publishing(
        broker, "stops", {"-t", "f/#", "--on-error", "stop", "--exec", "sh -c 'echo $MQTT_TOPIC; test $MQTT_TOPIC != f/2'"},
        {{"f/1", "a"}, {"f/2", "b"}});
    check_ended(r, 16, "f/1\nf/2\n",
                "Error: The command \"sh -c 'echo $MQTT_TOPIC; test $MQTT_TOPIC != f/2'\" for the message on topic f/2 "
                "failed: exit status 1.\n");
}

TEST_CASE("exec: a command that cannot be started is a failure with the reason")
{
    test::Broker broker;
    const test::Result r =
        exec_while_publishing(broker, "missing", {"-t", "m", "-C", "1", "--exec", "no-such-command-mqtt-tools x"}, {{"m", "a"}});
    check_ended(r, 16, "",
                "Warning: The command \"no-such-command-mqtt-tools x\" for the message on topic m failed: not started: No "
                "such file or directory.\n"
                "Error: 1 of 1 commands failed.\n");
}

TEST_CASE("exec: SIGINT lets the running command finish, then the job ends with 0")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "sigint",
        sub(broker, {"-i", "sigint", "-t", "s", "-W", "20", "--exec", "sh -c 'echo started; sleep 1; echo done'"}),
        [&](test::Child& subscriber) {
            publish(broker, {"-t", "s", "-m", "x"});
            REQUIRE(subscriber.wait_for_output(8, 10s));
            subscriber.signal(SIGINT);
        },
        20s);
    check_ended(r, 0, "started\ndone\n");
}

TEST_CASE("exec: usage errors: an empty command, an unbalanced quote, --exec-jobs out of range, -v with --exec")
{
    check_refusals(
        "mqtt-sub", {"-t", "x"},
        {
            {{"--exec", " "}, "Error: --exec command \" \" is empty."},
            {{"--exec", "a/b=echo 'x"}, "Error: --exec command \"echo 'x\" has an unterminated single quote."},
            {{"--exec", "true", "--exec-jobs", "0"}, "Error: Invalid --exec-jobs count \"0\", use 1-64."},
            {{"--exec", "true", "--exec-jobs", "65"}, "Error: Invalid --exec-jobs count \"65\", use 1-64."},
            {{"--exec-jobs", "2"}, "Error: --exec-jobs needs --exec."},
            {{"--exec", "true", "-v"},
             "Error: --exec cannot be used with -v, -F, -N, -0, --json, --pretty or --encoding: the command gets the payload as "
             "it came."},
            {{"--encoding", "hex", "--exec", "true"},
             "Error: --exec cannot be used with -v, -F, -N, -0, --json, --pretty or --encoding: the command gets the payload as "
             "it came."},
        });
}

namespace {

/// The peak resident set (KiB) of mqtt-sub --exec (one slow job) that runs the command for
/// `count` messages of 1 MiB each, published at once with QoS 1. Counted by peak-rss when the
/// tool ends (-C): /proc read after the last output could find it already gone.
long peak_with_slow_command(const test::Broker& broker, const TempDir& dir, int count)
{
    const std::string id = "slow" + std::to_string(count);
    const std::string peak_file = dir.path() + "/peak" + std::to_string(count);
    Args argv{MQTT_TOOLS_PEAK_RSS, peak_file};
    const Args tool =
        sub(broker,
            {"-i", id, "-q", "1", "-t", "big", "-W", "60", "-C", std::to_string(count), "--exec", "sh -c 'sleep 0.1; wc -c'"});
    argv.insert(argv.end(), tool.begin(), tool.end());
    test::Child subscriber(argv);
    require_subscribed(broker, id);
    const std::string file = dir.write("payload", std::string(std::size_t{1} << 20, 'p'));
    publish(broker, {"-q", "1", "-t", "big", "-f", file, "--repeat", std::to_string(count)});
    std::string expected;
    for (int i = 0; i < count; ++i) expected += "1048576\n";
    REQUIRE(subscriber.wait_for_output(expected.size(), 60s));
    check_ended(subscriber.wait(10s), 0, expected);
    long peak = 0;
    std::ifstream(peak_file) >> peak;
    return peak;
}

}  // namespace

TEST_CASE("exec: with the queue full the subscriber stops reading: 48 MiB waiting for a slow command need no more memory than 8")
{
    // The broker keeps every message for the slow subscriber (and sends 20 at a time).
    test::Broker broker(with_extra("max_queued_messages 10000000\nmax_queued_bytes 0\n"));
    TempDir dir;
    const long few = peak_with_slow_command(broker, dir, 8);
    const long many = peak_with_slow_command(broker, dir, 48);
    INFO("peak with 8 messages: " << few << " KiB, with 48: " << many << " KiB");
    CHECK(few > 0);
    // Reading all 48 at once would add 40 MiB; the queue (4) and the running job hold 5 in
    // both runs. The margin leaves room for ASan's 16 MiB quarantine of freed payloads.
    CHECK(many < few + 16 * 1024);
}

TEST_CASE("exec: a command still running 5 s after SIGINT gets SIGTERM, reported as a failure (16)")
{
    test::Broker broker;
    const auto start = Clock::now();
    const test::Result r = run_subscriber(
        broker, "stubborn",
        sub(broker, {"-i", "stubborn", "-t", "s", "-W", "30", "--exec", "sh -c 'echo started; exec sleep 30'"}),
        [&](test::Child& subscriber) {
            publish(broker, {"-t", "s", "-m", "x"});
            REQUIRE(subscriber.wait_for_output(8, 10s));
            subscriber.signal(SIGINT);
        },
        20s);
    check_ended(r, 16, "started\n",
                "Warning: The command \"sh -c 'echo started; exec sleep 30'\" for the message on topic s failed: killed by "
                "SIGTERM.\nError: 1 of 1 commands failed.\n");
    const double took = seconds_since(start);
    CHECK(took > 5.0);
    CHECK(took < 25.0);  // not the command's 30 s
}

TEST_CASE("exec: -W ends the commands still running, with 27")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "late", sub(broker, {"-i", "late", "-t", "s", "-W", "2", "--exec", "sleep 30"}),
        [&] {
            publish(broker, {"-t", "s", "-m", "x"});
        },
        15s);
    check_ended(r, 27, "",
                "Warning: The command \"sleep 30\" for the message on topic s failed: killed by SIGTERM.\nTimed out\n");
}

TEST_CASE("exec: MQTT_EXEC and MQTT_EXEC_JOBS set the options, and the command does not inherit them")
{
    test::Broker broker;
    TempDir dir;
    const test::Result r = run_subscriber(
        broker, "fromenv",
        with_env(dir.path(), {"MQTT_EXEC=sh -c 'echo $MQTT_TOPIC; env | grep ^MQTT_EXEC || echo none'", "MQTT_EXEC_JOBS=2"},
                 sub(broker, {"-i", "fromenv", "-t", "e", "-C", "1", "-W", "20"})),
        [&] {
            publish(broker, {"-t", "e", "-m", "x"});
        },
        20s);
    check_ended(r, 0, "e\nnone\n");
}
