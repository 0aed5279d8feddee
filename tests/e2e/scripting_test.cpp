// The options scripts and CI checks use around mqtt-sub: --ready-file (no race between
// starting a subscriber and triggering the publisher), --grep (wait until this payload
// shows up) and --idle-timeout (a snapshot that ends by itself).
#include "e2e.h"

#include <thread>

using namespace e2e;

TEST_CASE("scripting: --ready-file appears once subscribed, a publish right after is received")
{
    test::Broker broker;
    TempDir dir;
    const std::string ready = dir.path() + "/ready";
    test::Child subscriber(sub(broker, {"-t", "go", "--ready-file", ready, "-C", "1", "-W", "10"}));
    REQUIRE(wait_for_file(ready, 10s));
    publish(broker, {"-t", "go", "-m", "triggered"});

    const test::Result r = subscriber.wait(10s);
    CHECK(r.status == 0);
    CHECK(r.out == "triggered\n");
}

TEST_CASE("scripting: a stale --ready-file is removed at start and not created when the run fails")
{
    TempDir dir;
    const std::string ready = dir.write("ready", "left by an earlier run");
    const test::Result r = test::run(command("mqtt-sub", {"-h", "127.0.0.1", "-p", "1", "-t", "x", "--ready-file", ready}));
    CHECK(r.status == 6);
    CHECK(::access(ready.c_str(), F_OK) != 0);
}

TEST_CASE("scripting: --ready-file that cannot be created ends with 1")
{
    test::Broker broker;
    const test::Result r = test::run(sub(broker, {"-t", "x", "--ready-file", "/nonexistent/dir/ready", "-W", "10"}));
    CHECK(r.status == 1);
    CHECK(r.err == "Error: Unable to create ready file \"/nonexistent/dir/ready\": No such file or directory.\n");
}

TEST_CASE("scripting: --grep -C 1 waits for the matching payload")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "grep", "-t", "dev/+/status", "-v", "--grep", "^online", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "grep", argv, [&] {
        publish(broker, {"-t", "dev/1/status", "-m", "booting"});
        publish(broker, {"-t", "dev/1/status", "-m", "still offline"});
        publish(broker, {"-t", "dev/1/status", "-m", "online since 12:00"});
        publish(broker, {"-t", "dev/1/status", "-m", "online again"});
    });
    check_ended(r, 0, "dev/1/status online since 12:00\n");
}

TEST_CASE("scripting: --grep without a match ends with the -W status")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "nomatch", "-t", "t", "--grep", "never", "-C", "1", "-W", "1"});
    const test::Result r = run_subscriber(broker, "nomatch", argv, [&] { publish(broker, {"-t", "t", "-m", "something else"}); });
    check_ended(r, 27, "", "Timed out\n");
}

TEST_CASE("scripting: --grep-topic keeps matching topics only")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "gt", "-t", "#", "-v", "--grep-topic", "/alarm$", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "gt", argv, [&] {
        publish(broker, {"-t", "site/temp", "-m", "20"});
        publish(broker, {"-t", "site/alarm", "-m", "fire"});
    });
    check_ended(r, 0, "site/alarm fire\n");
}

TEST_CASE("scripting: --grep on long payloads matches without crashing (std::regex overflowed the stack: 139)")
{
    test::Broker broker;
    struct Case {
        const char* id;
        const char* expression;
        std::string payload;
    };
    std::string alternation = "x";
    for (int i = 0; i < 20000; ++i) alternation += i % 2 ? 'a' : 'b';
    const Case cases[] = {
        {"long1", "temp.*high", "temp" + std::string(100000, 'a') + "high"},
        {"long2", "x(a|b)*y", alternation + "y"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.expression);
        const Args argv = sub(broker, {"-i", c.id, "-t", "g", "--grep", c.expression, "-C", "1", "-W", "20"});
        const test::Result r = run_subscriber(broker, c.id, argv, [&] {
            publish(broker, {"-t", "g", "-m", "no match here"});
            publish(broker, {"-t", "g", "-s"}, c.payload);
        });
        check_ended(r, 0, c.payload + "\n");
    }
}

TEST_CASE("scripting: --grep-ignore-case applies to --grep and --grep-topic")
{
    test::Broker broker;
    const Args argv = sub(broker,
                          {"-i", "ci", "-t", "#", "-v", "--grep", "^ALARM", "--grep-topic", "Kitchen", "--grep-ignore-case", "-C",
                           "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "ci", argv, [&] {
        publish(broker, {"-t", "home/hall", "-m", "alarm: door"});
        publish(broker, {"-t", "home/kitchen", "-m", "all quiet"});
        publish(broker, {"-t", "home/kitchen", "-m", "Alarm: smoke"});
    });
    check_ended(r, 0, "home/kitchen Alarm: smoke\n");
}

TEST_CASE("scripting: an invalid --grep is a usage error")
{
    const test::Result r = test::run(command("mqtt-sub", {"-t", "t", "--grep", "(oops"}));
    CHECK(r.status == 1);
    CHECK(first_line(r.err).rfind("Error: Invalid --grep expression '(oops': ", 0) == 0);
}

TEST_CASE("scripting: --idle-timeout ends a retained snapshot with 0")
{
    test::Broker broker;
    publish(broker, {"-r", "-t", "site/a", "-m", "1"});
    publish(broker, {"-r", "-t", "site/b", "-m", "2"});
    const auto start = Clock::now();
    const test::Result r = test::run(sub(broker, {"-t", "site/#", "-v", "--idle-timeout", "0.5"}), {}, 20s);
    check_ended(r, 0, "site/a 1\nsite/b 2\n");
    CHECK(seconds_since(start) >= 0.5);
}

TEST_CASE("scripting: --idle-timeout restarts with every message")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "idle", "-t", "i", "--idle-timeout", "1.5", "-W", "20"});
    const auto start = Clock::now();
    const test::Result r = run_subscriber(
        broker, "idle", argv,
        [&] {
            for (int i = 0; i < 3; ++i) {
                publish(broker, {"-t", "i", "-m", std::to_string(i)});
                std::this_thread::sleep_for(500ms);  // pacing the messages, shorter than the idle time
            }
        },
        20s);
    check_ended(r, 0, "0\n1\n2\n");
    CHECK(seconds_since(start) >= 2.5);  // 1 s of messages, then 1.5 s of silence
}
