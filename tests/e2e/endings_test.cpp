// How runs end: -C, -W, -E, -R, --retained-only, -T, -U, signals, a closed stdout, wills.
#include "e2e.h"

#include <csignal>
#include <string>

using namespace e2e;

namespace {

/// mqtt-sub "watcher": the first will (or marker) published under wills/, then it ends.
Args watcher(const test::Broker& broker)
{
    return sub(broker, {"-i", "watcher", "-t", "wills/+", "-v", "-C", "1", "-W", "10"});
}

}  // namespace

TEST_CASE("endings: -C 3 ends after exactly 3 messages with 0")
{
    test::Broker broker;
    const test::Result r =
        run_subscriber(broker, "count", sub(broker, {"-i", "count", "-t", "c", "-v", "-C", "3", "-W", "10"}), [&] {
            // Five messages: the last two must not be printed.
            for (const char* message : {"m1", "m2", "m3", "m4", "m5"}) publish(broker, {"-t", "c", "-m", message});
        });
    check_ended(r, 0, "c m1\nc m2\nc m3\n");
}

TEST_CASE("endings: -C counts QoS 1 messages of one burst exactly")
{
    test::Broker broker;
    const test::Result r =
        run_subscriber(broker, "burst", sub(broker, {"-i", "burst", "-q", "1", "-t", "c", "-C", "3", "-W", "10"}), [&] {
            publish(broker, {"-q", "1", "-t", "c", "-l"}, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        });
    check_ended(r, 0, "1\n2\n3\n");
}

TEST_CASE("endings: -W 1 without messages ends with 27 and Timed out")
{
    test::Broker broker;
    const auto start = Clock::now();
    const test::Result r = test::run(sub(broker, {"-t", "silence", "-W", "1"}));
    check_ended(r, 27, "", "Timed out\n");
    CHECK(seconds_since(start) >= 0.9);
}

TEST_CASE("endings: -W is a deadline: messages printed but -C not reached still end with 27")
{
    test::Broker broker;
    const test::Result r =
        run_subscriber(broker, "deadline", sub(broker, {"-i", "deadline", "-t", "d", "-C", "5", "-W", "2"}), [&] {
            publish(broker, {"-t", "d", "-m", "one"});
            publish(broker, {"-t", "d", "-m", "two"});
        });
    check_ended(r, 27, "one\ntwo\n", "Timed out\n");
}

TEST_CASE("endings: --quiet hides Timed out but keeps status 27")
{
    test::Broker broker;
    const test::Result r = test::run(sub(broker, {"-t", "silence", "-W", "1", "--quiet"}));
    CHECK(r.status == 27);
    CHECK(r.err == "");
}

TEST_CASE("endings: -E ends with 0 once subscribed and prints nothing")
{
    test::Broker broker;
    // Even with a retained message waiting on the topic.
    publish(broker, {"-r", "-q", "1", "-t", "e", "-m", "retained"});

    const test::Result r = test::run(sub(broker, {"-i", "early", "-t", "e", "-E", "-W", "10"}));
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);  // not 27: it did not wait for -W
    CHECK(r.out == "");
    CHECK(r.err == "");
    CHECK(broker.log().find("Sending SUBACK to early\n") != std::string::npos);
}

TEST_CASE("endings: -R skips the retained message and prints the live one (MQTT 3.1.1)")
{
    test::Broker broker;
    publish(broker, {"-r", "-q", "1", "-t", "state", "-m", "stale"});

    const test::Result r =
        run_subscriber(broker, "fresh", sub(broker, {"-i", "fresh", "-R", "-t", "state", "-v", "-C", "1", "-W", "10"}), [&] {
            publish(broker, {"-t", "state", "-m", "live"});
        });
    check_ended(r, 0, "state live\n");
}

TEST_CASE("endings: -R skips the retained message and prints the live one (MQTT 5)")
{
    test::Broker broker;
    publish(broker, {"-r", "-q", "1", "-t", "state", "-m", "stale"});

    const test::Result r = run_subscriber(
        broker, "fresh5", sub(broker, {"-V", "5", "-i", "fresh5", "-R", "-t", "state", "-v", "-C", "1", "-W", "10"}), [&] {
            publish(broker, {"-t", "state", "-m", "live"});
        });
    check_ended(r, 0, "state live\n");
    // MQTT 5: the broker is asked not to send retained messages at all.
    CHECK(broker.log().find("Sending PUBLISH to fresh5 (d0, q0, r1") == std::string::npos);
}

TEST_CASE("endings: --retained-only prints the retained messages and ends with 0 at the first live one")
{
    test::Broker broker;
    publish(broker, {"-r", "-q", "1", "-t", "room/1", "-m", "one"});
    publish(broker, {"-r", "-q", "1", "-t", "room/2", "-m", "two"});

    const test::Result r =
        run_subscriber(broker, "ro", sub(broker, {"-i", "ro", "--retained-only", "-t", "room/#", "-v", "-W", "10"}), [&] {
            // The broker sends the retained messages right after the SUBACK, before this one.
            publish(broker, {"-t", "room/3", "-m", "live"});
        });
    check_ended(r, 0, "room/1 one\nroom/2 two\n");
}

TEST_CASE("endings: --retained-only without retained messages ends with 0 at the first live one")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "ro-empty", sub(broker, {"-i", "ro-empty", "--retained-only", "-t", "room/#", "-v", "-W", "10"}), [&] {
            publish(broker, {"-t", "room/3", "-m", "live"});
        });
    check_ended(r, 0, "");
}

TEST_CASE("endings: the README's snapshot, --retained-only --idle-timeout 1, ends with 0 without a live message")
{
    test::Broker broker;
    publish(broker, {"-r", "-t", "site/a", "-m", "1"});
    publish(broker, {"-r", "-t", "site/b", "-m", "2"});
    const auto start = Clock::now();
    const test::Result r = test::run(sub(broker, {"-t", "site/#", "-v", "--retained-only", "--idle-timeout", "1"}), {}, 20s);
    CHECK_FALSE(r.timed_out);
    check_ended(r, 0, "site/a 1\nsite/b 2\n");
    CHECK(seconds_since(start) >= 1.0);

    // What the README used to show: with no live message, -W ends it, with 27.
    const test::Result w = test::run(sub(broker, {"-t", "site/#", "-v", "--retained-only", "-W", "1"}), {}, 20s);
    check_ended(w, 27, "site/a 1\nsite/b 2\n", "Timed out\n");
}

TEST_CASE("endings: -T filters out matching topics, which do not count for -C")
{
    test::Broker broker;
    const Args argv = sub(
        broker, {"-i", "filter", "-t", "house/#", "-T", "house/secret", "-T", "house/+/private", "-v", "-C", "2", "-W", "10"});
    const test::Result r = run_subscriber(broker, "filter", argv, [&] {
        publish(broker, {"-t", "house/secret", "-m", "hidden 1"});
        publish(broker, {"-t", "house/hall", "-m", "shown 1"});
        publish(broker, {"-t", "house/bedroom/private", "-m", "hidden 2"});
        publish(broker, {"-t", "house/secret/not", "-m", "shown 2"});
    });
    check_ended(r, 0, "house/hall shown 1\nhouse/secret/not shown 2\n");
}

TEST_CASE("endings: -U unsubscribes a filter subscribed in the same run")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "unsub", "-t", "keep/#", "-t", "drop", "-U", "drop", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "unsub", argv, [&] {
        REQUIRE(broker.wait_for_log("Sending UNSUBACK to unsub\n"));
        publish(broker, {"-t", "drop", "-m", "must not arrive"});
        publish(broker, {"-t", "keep/it", "-m", "kept"});
    });
    check_ended(r, 0, "keep/it kept\n");
    CHECK(broker.log().find("Received UNSUBSCRIBE from unsub\n") != std::string::npos);
}

TEST_CASE("endings: SIGINT makes mqtt-sub print what it received and end with 0")
{
    test::Broker broker;
    const auto then = [&](test::Child& subscriber) {
        publish(broker, {"-t", "s", "-m", "one"});
        publish(broker, {"-t", "s", "-m", "two"});
        REQUIRE(subscriber.wait_for_output(12, 10s));
        subscriber.signal(SIGINT);
    };
    const test::Result r = run_subscriber(broker, "ctrl-c", sub(broker, {"-i", "ctrl-c", "-t", "s", "-v", "-W", "10"}), then, 5s);
    check_ended(r, 0, "s one\ns two\n");
    // It said goodbye properly.
    CHECK(broker.wait_for_log("Received DISCONNECT from ctrl-c\n", 5s));
}

TEST_CASE("endings: SIGTERM ends mqtt-sub with 0")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "term", sub(broker, {"-i", "term", "-t", "s", "-W", "10"}),
        [](test::Child& subscriber) { subscriber.signal(SIGTERM); }, 5s);
    check_ended(r, 0, "");
}

TEST_CASE("endings: SIGTERM ends mqtt-pub -l waiting for input with 11")
{
    test::Broker broker;
    check_signal_ends_waiting_publisher(broker, {"-i", "pub-term-pub", "-q", "1", "-t", "l", "-l"},
                                        "Sending PUBACK to pub-term-pub ", SIGTERM, "SIGTERM");
}

TEST_CASE("endings: SIGINT ends mqtt-pub -l waiting for input with 11")
{
    test::Broker broker;
    check_signal_ends_waiting_publisher(broker, {"-t", "l", "-l"}, "", SIGINT, "SIGINT");
}

TEST_CASE("endings: a closed stdout ends mqtt-sub with 0 long before -W")
{
    test::Broker broker;
    const auto start = Clock::now();
    const auto then = [&](test::Child& pipeline) {
        // head exits after the first byte; mqtt-sub notices at a later write (EPIPE). Publish
        // until the pipeline is over ("END" printed by the shell), at most 50 times.
        for (int i = 1; i <= 50; ++i) {
            publish(broker, {"-t", "h", "-m", "message " + std::to_string(i)});
            if (pipeline.wait_for_output(4, 200ms)) break;
        }
    };
    const test::Result r =
        run_subscriber(broker, "headed", piped_to_head_c1(sub(broker, {"-i", "headed", "-t", "h", "-W", "10"})), then);
    check_ended(r, 0, "mEND");           // not 27 (-W) and not killed by SIGPIPE (141)
    CHECK(seconds_since(start) < 10.0);  // before -W (the bound is loose: a loaded machine under ASan is slow)
}

TEST_CASE("endings: the will is published when mqtt-sub is killed")
{
    test::Broker broker;
    const test::Result r = run_subscriber(broker, "watcher", watcher(broker), [&] {
        const test::Result v = run_subscriber(
            broker, "victim",
            sub(broker, {"-i", "victim", "--will-topic", "wills/victim", "--will-payload", "gone", "-t", "x", "-W", "20"}),
            [](test::Child& victim) { victim.signal(SIGKILL); }, 5s);
        CHECK(v.status == 128 + SIGKILL);
    });
    check_ended(r, 0, "wills/victim gone\n");
}

namespace {

/// A will is for connections that end without DISCONNECT: mqtt-sub ending on SIGINT sends
/// one (MQTT 5: reason "normal disconnection", unlike mosquitto_sub's 0x04).
void will_not_published_on_sigint(const std::string& version)
{
    test::Broker broker;
    const test::Result r = run_subscriber(broker, "watcher", watcher(broker), [&] {
        const test::Result left = run_subscriber(
            broker, "leaver",
            sub(broker,
                {"-V", version, "-i", "leaver", "--will-topic", "wills/leaver", "--will-payload", "gone", "-t", "x", "-W", "20"}),
            [](test::Child& leaver) { leaver.signal(SIGINT); }, 5s);
        CHECK(left.status == 0);
        REQUIRE(broker.wait_for_log("Client leaver disconnected.\n"));
        // The will would have been sent before the broker logged the disconnection.
        publish(broker, {"-t", "wills/marker", "-m", "marker"});
    });
    check_ended(r, 0, "wills/marker marker\n");
}

}  // namespace

TEST_CASE("endings: the will is not published when mqtt-sub ends on SIGINT (MQTT 3.1.1)")
{
    will_not_published_on_sigint("311");
}

TEST_CASE("endings: the will is not published when mqtt-sub ends on SIGINT (MQTT 5)")
{
    will_not_published_on_sigint("5");
}

TEST_CASE("endings: -U alone removes a subscription kept in a session")
{
    test::Broker broker;
    // A kept session subscribed to "old" and "new".
    REQUIRE(test::run(sub(broker, {"-c", "-i", "keeper", "-q", "1", "-t", "old", "-t", "new", "-E"})).status == 0);

    const auto unsubscribed = test::run(sub(broker, {"-c", "-i", "keeper", "-q", "1", "-U", "old", "-W", "10"}));
    CHECK(unsubscribed.status == 0);  // -U alone ends once the UNSUBACK is in, not at -W (27)
    CHECK(unsubscribed.err == "");
    CHECK(unsubscribed.out == "");
    CHECK(broker.log().find("Sending UNSUBACK to keeper\n") != std::string::npos);

    // Sent while the client is away: only "new" is still subscribed in the session.
    publish(broker, {"-q", "1", "-t", "old", "-m", "must not be queued"});
    publish(broker, {"-q", "1", "-t", "new", "-m", "queued"});

    const test::Result r = test::run(sub(broker, {"-c", "-i", "keeper", "-q", "1", "-t", "new", "-v", "-C", "1", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "new queued\n");
}
