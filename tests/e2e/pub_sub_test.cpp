// Round trips: what mqtt-pub sends, mqtt-sub prints, through a real mosquitto.
#include "e2e.h"

#include <string>

using namespace e2e;

namespace {

/// mqtt-sub -q <qos> -C 1 -v receives what mqtt-pub -q <qos> sends; the broker's log shows
/// that both legs really used that QoS.
void round_trip_at_qos(const std::string& qos)
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "sub-q" + qos, "-q", qos, "-t", "sensors/+/value", "-C", "1", "-v", "-W", "10"});
    const test::Result r = run_subscriber(broker, "sub-q" + qos, argv, [&] {
        publish(broker, {"-i", "pub-q" + qos, "-q", qos, "-t", "sensors/kitchen/value", "-m", "qos " + qos + " payload"});
    });
    check_ended(r, 0, "sensors/kitchen/value qos " + qos + " payload\n");
    const std::string log = broker.log();
    CHECK(log.find("Received PUBLISH from pub-q" + qos + " (d0, q" + qos + ", r0") != std::string::npos);
    CHECK(log.find("Sending PUBLISH to sub-q" + qos + " (d0, q" + qos + ", r0") != std::string::npos);
}

}  // namespace

TEST_CASE("pub_sub: the classic - mqtt-sub -t home/# -v prints what mqtt-pub -i publisher sends")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "classic", "-t", "home/#", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "classic", argv, [&] {
        const test::Result p = test::run(pub(broker, {"-i", "publisher", "-t", "home/livingroom/temperature", "-m", "22.5"}));
        check_ended(p, 0, "");
    });
    check_ended(r, 0, "home/livingroom/temperature 22.5\n");
    // -i is the client id the broker sees.
    CHECK(broker.log().find(" as publisher (") != std::string::npos);
}

TEST_CASE("pub_sub: QoS 0 round trip")
{
    round_trip_at_qos("0");
}

TEST_CASE("pub_sub: QoS 1 round trip")
{
    round_trip_at_qos("1");
}

TEST_CASE("pub_sub: QoS 2 round trip")
{
    round_trip_at_qos("2");
}

TEST_CASE("pub_sub: MQTT 5 round trip with -V 5 and -V mqttv5")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-V", "mqttv5", "-i", "sub5", "-q", "1", "-t", "v5/topic", "-C", "1", "-v", "-W", "10"});
    const test::Result r = run_subscriber(broker, "sub5", argv, [&] {
        publish(broker, {"-V", "5", "-i", "pub5", "-q", "1", "-t", "v5/topic", "-m", "hello v5"});
    });
    check_ended(r, 0, "v5/topic hello v5\n");
    // mosquitto logs the protocol as p5 for MQTT 5.
    const std::string log = broker.log();
    CHECK(log.find(" as sub5 (p5,") != std::string::npos);
    CHECK(log.find(" as pub5 (p5,") != std::string::npos);
}

TEST_CASE("pub_sub: MQTT 3.1 round trip with -V mqttv31")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-V", "mqttv31", "-i", "sub31", "-t", "v31", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "sub31", argv, [&] {
        publish(broker, {"-V", "31", "-i", "pub31", "-t", "v31", "-m", "old protocol"});
    });
    check_ended(r, 0, "old protocol\n");
    CHECK(broker.log().find(" as pub31 (p1,") != std::string::npos);
}

TEST_CASE("pub_sub: without -v only the payload is printed, several -t filters")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "multi", "-t", "a/+", "-t", "b", "-C", "3", "-W", "10"});
    const test::Result r = run_subscriber(broker, "multi", argv, [&] {
        publish(broker, {"-t", "a/1", "-m", "first"});
        publish(broker, {"-t", "c", "-m", "not subscribed"});
        publish(broker, {"-t", "b", "-m", "second"});
        publish(broker, {"-t", "a/2", "-m", "third"});
    });
    check_ended(r, 0, "first\nsecond\nthird\n");
}

TEST_CASE("pub_sub: -N prints payloads without a newline")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "noeol", "-t", "n", "-N", "-C", "2", "-W", "10"});
    const test::Result r = run_subscriber(broker, "noeol", argv, [&] {
        publish(broker, {"-t", "n", "-m", "one"});
        publish(broker, {"-t", "n", "-m", "two"});
    });
    check_ended(r, 0, "onetwo");
}

TEST_CASE("pub_sub: -n sends an empty message, shown as (null) with -v")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "null", "-t", "t", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "null", argv, [&] { publish(broker, {"-t", "t", "-n"}); });
    check_ended(r, 0, "t (null)\n");
    CHECK(broker.log().find("'t', ... (0 bytes))") != std::string::npos);
}

TEST_CASE("pub_sub: an empty message prints nothing without -v but counts for -C")
{
    test::Broker broker;
    const Args argv = sub(broker, {"-i", "quiet-null", "-t", "t", "-C", "2", "-W", "10"});
    const test::Result r = run_subscriber(broker, "quiet-null", argv, [&] {
        publish(broker, {"-t", "t", "-n"});
        publish(broker, {"-t", "t", "-m", "after"});
    });
    check_ended(r, 0, "after\n");
}

TEST_CASE("pub_sub: -r retains the message for a later mqtt-sub")
{
    test::Broker broker;
    publish(broker, {"-r", "-q", "1", "-t", "status/door", "-m", "open"});

    const test::Result r = test::run(sub(broker, {"-t", "status/#", "-v", "-C", "1", "-W", "10"}));
    check_ended(r, 0, "status/door open\n");
}

TEST_CASE("pub_sub: -r -n clears the retained message")
{
    test::Broker broker;
    publish(broker, {"-r", "-t", "status/door", "-m", "open"});
    publish(broker, {"-r", "-n", "-t", "status/door"});

    const auto start = Clock::now();
    const test::Result r = test::run(sub(broker, {"-t", "status/door", "-v", "-W", "1"}));
    check_ended(r, 27, "", "Timed out\n");
    CHECK(seconds_since(start) >= 0.9);
}

TEST_CASE("pub_sub: -c -i keeps the session: QoS 1 messages sent meanwhile arrive later")
{
    test::Broker broker;
    // Creates the durable session and its subscription, then leaves.
    const test::Result first = test::run(sub(broker, {"-c", "-i", "durable", "-q", "1", "-t", "queue", "-E"}));
    REQUIRE(first.status == 0);

    publish(broker, {"-q", "1", "-t", "queue", "-m", "while you were away"});

    const test::Result r = test::run(sub(broker, {"-c", "-i", "durable", "-q", "1", "-t", "queue", "-v", "-C", "1", "-W", "10"}));
    check_ended(r, 0, "queue while you were away\n");
}

TEST_CASE("pub_sub: -L mqtt://host:port/topic gives broker and topic to both tools")
{
    test::Broker broker;
    const std::string url = "mqtt://127.0.0.1:" + broker.port_str() + "/via/url";
    const Args argv = command("mqtt-sub", {"-L", url, "-i", "url-sub", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "url-sub", argv, [&] {
        const test::Result p = test::run(command("mqtt-pub", {"-L", url, "-m", "found it"}));
        CHECK(p.status == 0);
        CHECK(p.err == "");
    });
    check_ended(r, 0, "via/url found it\n");
}

TEST_CASE("pub_sub: -I prefix makes the client id prefix and process id")
{
    test::Broker broker;
    test::Child subscriber(sub(broker, {"-I", "prefix-", "-t", "p", "-C", "1", "-W", "10"}));
    // The SUBACK goes to "prefix-<pid>": the id really is the prefix plus the PID.
    require_subscribed(broker, "prefix-" + std::to_string(subscriber.pid()));

    publish(broker, {"-t", "p", "-m", "x"});
    const test::Result r = subscriber.wait(10s);
    CHECK(r.status == 0);
    CHECK(r.out == "x\n");
}

TEST_CASE("pub_sub: -u -P and --will options are accepted on a plain round trip")
{
    test::Broker broker(with_account("user", "secret"));
    const Args argv = sub(broker, {"-u", "user", "-P", "secret", "-i", "auth-sub", "-t", "t", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "auth-sub", argv, [&] {
        publish(broker,
                {"-u", "user", "-P", "secret", "--will-topic", "w", "--will-payload", "bye", "-t", "t", "-m", "authenticated"});
    });
    check_ended(r, 0, "authenticated\n");
}
