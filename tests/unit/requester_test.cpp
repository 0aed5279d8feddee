#include <doctest/doctest.h>

#include <memory>
#include <mqtt_protocol.h>
#include <set>
#include <string>

#include "exit_status.h"
#include "fake_connection.h"
#include "requester.h"
#include "sink.h"
#include "test_properties.h"
#include "topic.h"

using test::Properties;

TEST_CASE("correlate: only the request's exact bytes match")
{
    const std::string expected("\x00\x01\xfe\xff", 4);
    CHECK(mqtt::correlate(nullptr, expected) == mqtt::Correlation::missing);

    Properties other_only;
    other_only.string(MQTT_PROP_CONTENT_TYPE, "text/plain");
    CHECK(mqtt::correlate(other_only.list, expected) == mqtt::Correlation::missing);

    struct Case {
        std::string data;
        mqtt::Correlation result;
    };
    const Case cases[] = {
        {expected, mqtt::Correlation::matches},
        {std::string("\x00\x01\xfe", 3), mqtt::Correlation::different},  // a prefix is not enough
        {expected + "x", mqtt::Correlation::different},
        {std::string("\x00\x01\xfe\xfe", 4), mqtt::Correlation::different},
        {"", mqtt::Correlation::different},
    };
    for (const auto& c : cases) {
        CAPTURE(c.data.size());
        Properties properties;
        properties.string(MQTT_PROP_CONTENT_TYPE, "x").binary(MQTT_PROP_CORRELATION_DATA, c.data);
        CHECK(mqtt::correlate(properties.list, expected) == c.result);
    }
}

TEST_CASE("random bytes: the size asked for, different every time")
{
    CHECK(mqtt::random_bytes(0).empty());
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const std::string bytes = mqtt::random_bytes(16);
        CHECK(bytes.size() == 16);
        seen.insert(bytes);
    }
    CHECK(seen.size() == 100);
}

TEST_CASE("the response topic mqtt-rr picks: fixed prefix, 32 hex digits, valid, unique")
{
    const std::string topic = mqtt::unique_response_topic();
    const std::string prefix = "mqtt-rr/response/";
    REQUIRE(topic.size() == prefix.size() + 32);
    CHECK(topic.compare(0, prefix.size(), prefix) == 0);
    CHECK(topic.find_first_not_of("0123456789abcdef", prefix.size()) == std::string::npos);
    CHECK(mqtt::check_publish_topic(topic, "-e").ok());
    CHECK(mqtt::unique_response_topic() != topic);
}

namespace {

/// mqtt-rr's job with `args`, printing into memory, and its fake connection.
struct RequestJob {
    mqtt::Options options;
    mqtt_test::CapturedOutput output;
    mqtt::Sink sink{output.fd()};
    std::unique_ptr<mqtt::Requester> requester;
    mqtt_test::FakeConnection connection;

    explicit RequestJob(std::vector<std::string> args)
    {
        args.insert(args.end(), {"-m", "ping"});
        options = mqtt_test::options_for(mqtt::Tool::rr, args);
        requester = std::make_unique<mqtt::Requester>(options, sink, "ping");
        connection.client = requester.get();
    }
    /// CONNACK, the SUBACK for the response topic, then the loop's turn that sends.
    void subscribed()
    {
        requester->on_connected(connection, nullptr);
        REQUIRE(connection.subscribed.size() == 1);
        const int granted[] = {options.qos};
        requester->on_subscribe(connection, connection.subscribed[0].mid, granted);
        requester->pump(connection);
    }
    void respond(std::string topic, std::string payload, const mosquitto_property* properties)
    {
        mqtt_test::IncomingMessage message{std::move(topic), std::move(payload)};
        const mosquitto_message view = message.view();
        requester->on_message(connection, view, properties);
    }
    std::string printed()
    {
        sink.flush();
        return output.text();
    }
};

}  // namespace

TEST_CASE("requester: subscribes to its response topic first, sends the request once the SUBACK is in")
{
    RequestJob job({"-t", "dev/cmd", "-e", "dev/reply", "-q", "1"});
    job.requester->on_connected(job.connection, nullptr);
    REQUIRE(job.connection.subscribed.size() == 1);
    CHECK(job.connection.subscribed[0].filters == std::vector<std::string>{"dev/reply"});
    CHECK(job.connection.subscribed[0].qos == 1);
    job.requester->pump(job.connection);
    CHECK(job.connection.published.empty());  // not before the subscription exists
    const int granted[] = {1};
    job.requester->on_subscribe(job.connection, job.connection.subscribed[0].mid, granted);
    job.requester->pump(job.connection);
    REQUIRE(job.connection.published.size() == 1);
    CHECK(job.connection.published[0].topic == "dev/cmd");
    CHECK(job.connection.published[0].payload == "ping");
    CHECK_FALSE(job.connection.published[0].retain);
    job.requester->pump(job.connection);
    CHECK(job.connection.published.size() == 1);  // one request only
}

TEST_CASE("requester: MQTT 5 takes only the response carrying the request's correlation data")
{
    RequestJob job({"-t", "dev/cmd", "-e", "dev/reply", "-V", "5"});
    job.subscribed();
    REQUIRE(job.connection.published.size() == 1);
    const std::string topic = job.requester->response_topic();
    const std::string& correlation = job.requester->correlation_data();
    REQUIRE_FALSE(correlation.empty());

    job.respond(topic, "stale", nullptr);  // no correlation data: someone else's, or retained
    Properties other;
    other.binary(MQTT_PROP_CORRELATION_DATA, "x");
    job.respond(topic, "theirs", other.list);
    CHECK_FALSE(job.connection.outcome);

    Properties ours;
    ours.binary(MQTT_PROP_CORRELATION_DATA, correlation);
    job.respond(topic, "pong", ours.list);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    job.respond(topic, "late", ours.list);
    CHECK(job.printed() == "pong\n");
}

TEST_CASE("requester: --no-correlation-check takes the first MQTT 5 message on the response topic, data or not")
{
    RequestJob job({"-t", "dev/cmd", "-e", "dev/reply", "-V", "5", "--no-correlation-check"});
    job.subscribed();
    REQUIRE_FALSE(job.requester->correlation_data().empty());  // the request still carries it
    job.respond("elsewhere", "no", nullptr);
    CHECK_FALSE(job.connection.outcome);
    job.respond("dev/reply", "uncorrelated", nullptr);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    CHECK(job.printed() == "uncorrelated\n");
}

TEST_CASE("requester: --no-correlation-check also takes a first message carrying other correlation data")
{
    RequestJob job({"-t", "dev/cmd", "-e", "dev/reply", "-V", "5", "--no-correlation-check"});
    job.subscribed();
    Properties other;
    REQUIRE(mosquitto_property_add_binary(&other.list, MQTT_PROP_CORRELATION_DATA, "x", 1) == MOSQ_ERR_SUCCESS);
    job.respond("dev/reply", "first", other.list);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    job.respond("dev/reply", "second", nullptr);
    CHECK(job.printed() == "first\n");
}

TEST_CASE("requester: MQTT 3.1.1 takes the first message on -e's topic")
{
    RequestJob job({"-t", "dev/cmd", "-e", "dev/reply", "-V", "311"});
    job.subscribed();
    job.respond("elsewhere", "no", nullptr);
    CHECK_FALSE(job.connection.outcome);
    job.respond("dev/reply", "yes", nullptr);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    CHECK(job.printed() == "yes\n");
}

TEST_CASE("requester: a refused subscription to the response topic ends with 9")
{
    RequestJob job({"-t", "dev/cmd", "-e", "dev/reply", "-V", "5"});
    job.requester->on_connected(job.connection, nullptr);
    const int granted[] = {0x87};
    job.requester->on_subscribe(job.connection, job.connection.subscribed[0].mid, granted);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::subscribe_refused);
    CHECK(job.connection.outcome->text ==
          "Error: The broker refused the subscription to the response topic 'dev/reply': Not authorized.");
    CHECK(job.connection.published.empty());
}
