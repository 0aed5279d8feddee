// mqtt-sub's job against a fake connection: what it subscribes to, -C counting,
// --retained-only, --remove-retained and its order, refusals in the SUBACK.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <mqtt_protocol.h>

#include "exit_status.h"
#include "fake_connection.h"
#include "sink.h"
#include "subscriber.h"

using mqtt_test::FakeConnection;
using mqtt_test::IncomingMessage;

namespace {

/// A subscriber with `args`, printing into memory, and its fake connection.
struct SubscribeJob {
    mqtt::Options options;
    mqtt_test::CapturedOutput output;
    mqtt::Sink sink{output.fd()};
    std::unique_ptr<mqtt::Subscriber> subscriber;
    FakeConnection connection;

    explicit SubscribeJob(const std::vector<std::string>& args) : options(mqtt_test::options_for(mqtt::Tool::sub, args))
    {
        subscriber = std::make_unique<mqtt::Subscriber>(options, sink);
        connection.client = subscriber.get();
    }
    /// CONNACK, then the SUBACK granting every filter `granted`.
    void subscribed(int granted = 0)
    {
        subscriber->on_connected(connection, nullptr);
        REQUIRE(connection.subscribed.size() == 1);
        const std::vector<int> codes(connection.subscribed[0].filters.size(), granted);
        subscriber->on_subscribe(connection, connection.subscribed[0].mid, codes);
    }
    void receive(IncomingMessage message)
    {
        const mosquitto_message view = message.view();
        subscriber->on_message(connection, view, nullptr);
    }
    std::string printed()
    {
        sink.flush();
        return output.text();
    }
};

}  // namespace

TEST_CASE("subscriber: every -t filter in one SUBSCRIBE, with -q and MQTT 5's retain handling for -R")
{
    SubscribeJob job({"-t", "a/#", "-t", "b/+", "-q", "2", "-V", "5", "-R"});
    job.subscriber->on_connected(job.connection, nullptr);
    REQUIRE(job.connection.subscribed.size() == 1);
    const auto& subscribe = job.connection.subscribed[0];
    CHECK(subscribe.filters == std::vector<std::string>{"a/#", "b/+"});
    CHECK(subscribe.qos == 2);
    CHECK(subscribe.options == MQTT_SUB_OPT_SEND_RETAIN_NEVER);

    SubscribeJob v311({"-t", "a", "-R"});
    v311.subscriber->on_connected(v311.connection, nullptr);
    REQUIRE(v311.connection.subscribed.size() == 1);
    CHECK(v311.connection.subscribed[0].options == 0);  // MQTT 3.1.1 has no subscription options
}

TEST_CASE("subscriber: -U alone unsubscribes and ends when the UNSUBACK comes")
{
    SubscribeJob job({"-U", "old/#"});
    job.subscriber->on_connected(job.connection, nullptr);
    CHECK(job.connection.subscribed.empty());
    REQUIRE(job.connection.unsubscribed.size() == 1);
    CHECK(job.connection.unsubscribed[0] == std::vector<std::string>{"old/#"});
    CHECK_FALSE(job.connection.outcome);
    job.subscriber->on_unsubscribe(job.connection, 1);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
}

TEST_CASE("subscriber: -C N prints N messages and ends, what comes after is not printed")
{
    SubscribeJob job({"-t", "s/#", "-C", "2", "-v"});
    job.subscribed();
    job.receive({"s/1", "one"});
    CHECK_FALSE(job.connection.outcome);
    job.receive({"s/2", "two"});
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    job.receive({"s/3", "three"});
    CHECK(job.printed() == "s/1 one\ns/2 two\n");
}

TEST_CASE("subscriber: -C counts messages that --grep keeps, not those it drops")
{
    SubscribeJob job({"-t", "s", "-C", "2", "--grep", "^ok"});
    job.subscribed();
    job.receive({"s", "ok 1"});
    job.receive({"s", "no"});
    CHECK_FALSE(job.connection.outcome);
    job.receive({"s", "ok 2"});
    REQUIRE(job.connection.outcome);
    CHECK(job.printed() == "ok 1\nok 2\n");
}

TEST_CASE("subscriber: --retained-only prints the retained messages and ends at the first live one, unprinted")
{
    SubscribeJob job({"-t", "r/#", "--retained-only", "-v"});
    job.subscribed();
    job.receive({"r/a", "1", 0, true});
    job.receive({"r/b", "2", 0, true});
    CHECK_FALSE(job.connection.outcome);
    job.receive({"r/c", "live", 0, false});
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    CHECK(job.printed() == "r/a 1\nr/b 2\n");
}

TEST_CASE("subscriber: -R drops retained messages, live ones still count for -C")
{
    SubscribeJob job({"-t", "r", "-R", "-C", "1"});
    job.subscribed();
    job.receive({"r", "old", 0, true});
    CHECK_FALSE(job.connection.outcome);
    job.receive({"r", "new", 0, false});
    REQUIRE(job.connection.outcome);
    CHECK(job.printed() == "new\n");
}

TEST_CASE(
    "subscriber: --remove-retained clears each retained topic in the order they came, and -C waits for the acknowledgements")
{
    SubscribeJob job({"-t", "r/#", "--remove-retained", "-C", "3"});
    job.subscribed();
    job.receive({"r/b", "1", 0, true});
    job.receive({"r/a", "2", 0, true});
    job.receive({"r/c", "3", 0, false});  // live: printed and counted, nothing to clear
    REQUIRE(job.connection.published.size() == 2);
    CHECK(job.connection.published[0].topic == "r/b");
    CHECK(job.connection.published[1].topic == "r/a");
    for (const auto& clear : job.connection.published) {
        CHECK(clear.payload.empty());
        CHECK(clear.retain);
        CHECK(clear.qos == 1);
    }
    // -C is reached, but the job ends only once both clears are acknowledged.
    CHECK_FALSE(job.connection.outcome);
    job.subscriber->on_publish(job.connection, job.connection.published[1].mid, 0, nullptr);
    CHECK_FALSE(job.connection.outcome);
    job.subscriber->on_publish(job.connection, job.connection.published[0].mid, 0x87, nullptr);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    REQUIRE(job.connection.warnings.size() == 1);
    CHECK(job.connection.warnings[0] == "Warning: The broker refused to remove a retained message: Not authorized.");
    CHECK(job.printed() == "1\n2\n3\n");
}

TEST_CASE("subscriber: a SUBACK refusing filters ends with 9 and names the first refused")
{
    SUBCASE("some refused")
    {
        SubscribeJob job({"-t", "ok", "-t", "secret/#", "-V", "5"});
        job.subscriber->on_connected(job.connection, nullptr);
        const std::array<int, 2> granted{0, 0x87};
        job.subscriber->on_subscribe(job.connection, job.connection.subscribed[0].mid, granted);
        REQUIRE(job.connection.outcome);
        CHECK(job.connection.outcome->status == mqtt::ExitStatus::subscribe_refused);
        CHECK(job.connection.outcome->text ==
              "Error: The broker refused 1 of 2 subscriptions, first 'secret/#' (Not authorized).");
    }
    SUBCASE("all refused: upstream's words")
    {
        SubscribeJob job({"-t", "secret/#"});
        job.subscribed(0x80);
        REQUIRE(job.connection.outcome);
        CHECK(job.connection.outcome->status == mqtt::ExitStatus::subscribe_refused);
        CHECK(job.connection.outcome->text == "All subscription requests were denied.");
    }
}

TEST_CASE("subscriber: a SUBSCRIBE libmosquitto refuses ends with 9")
{
    SubscribeJob job({"-t", "a"});
    job.connection.refuse_sends_with = MOSQ_ERR_NOMEM;
    job.subscriber->on_connected(job.connection, nullptr);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::subscribe_refused);
    CHECK(job.connection.outcome->text == "Error: Subscribe failed: Out of memory.");
}

TEST_CASE("subscriber: -E ends at the SUBACK")
{
    SubscribeJob job({"-t", "a", "-E"});
    job.subscribed();
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
}

TEST_CASE("subscriber: --remove-retained --json prints each cleared message's record once its removal is acknowledged")
{
    SubscribeJob job({"-t", "r/#", "--remove-retained", "--json", "-C", "2"});
    job.subscribed();
    job.receive({"r/b", "1", 0, true});
    job.receive({"r/live", "x", 0, false});  // live: nothing to clear, so not listed nor counted
    job.receive({"r/a", std::string("\x00\xff", 2), 1, true, 7});
    REQUIRE(job.connection.published.size() == 2);
    CHECK(job.connection.published[0].topic == "r/b");
    CHECK(job.connection.published[1].topic == "r/a");
    // Nothing is printed before the broker acknowledges a removal.
    CHECK(job.printed() == "");
    job.subscriber->on_publish(job.connection, job.connection.published[1].mid, 0, nullptr);
    const std::string a = job.printed();
    CHECK_MESSAGE(a.find(R"("topic":"r/a","qos":1,"retain":true,"payloadlen":2,"mid":7,"payload_base64":"AP8="})"
                         "\n") != std::string::npos,
                  a);
    CHECK(std::count(a.begin(), a.end(), '\n') == 1);
    CHECK_FALSE(job.connection.outcome);
    // A refused removal cleared nothing: warned, not listed.
    job.subscriber->on_publish(job.connection, job.connection.published[0].mid, 0x87, nullptr);
    CHECK(job.printed() == a);
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    REQUIRE(job.connection.warnings.size() == 1);
    CHECK(job.connection.warnings[0] == "Warning: The broker refused to remove a retained message: Not authorized.");
}

TEST_CASE("subscriber: --remove-retained --dry-run prints the retained messages as usual and clears none")
{
    SubscribeJob job({"-t", "r/#", "--remove-retained", "--dry-run", "-v", "-C", "2"});
    job.subscribed();
    job.receive({"r/b", "1", 0, true});
    job.receive({"r/live", "x", 0, false});  // not retained: would not be cleared, not listed
    job.receive({"r/a", "2", 0, true});
    CHECK(job.connection.published.empty());
    CHECK(job.printed() == "r/b 1\nr/a 2\n");
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
}

TEST_CASE("subscriber: -C counts messages that --where passes, a payload that is not JSON is warned about once")
{
    SubscribeJob job({"-t", "s/#", "-C", "2", "-v", "--where", ".temp > 30", "--stats"});
    job.subscribed();
    job.receive({"s/1", "{\"temp\":31}"});
    job.receive({"s/2", "{\"temp\":20}"});
    job.receive({"s/3", "hot"});
    job.receive({"s/4", "cold"});
    CHECK_FALSE(job.connection.outcome);
    job.receive({"s/5", "{\"temp\":40}"});
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::success);
    CHECK(job.printed() == "s/1 {\"temp\":31}\ns/5 {\"temp\":40}\n");
    CHECK(job.connection.warnings ==
          std::vector<std::string>{"Warning: Message payload on topic s/3 is not JSON for --where: not a JSON value at "
                                   "byte 0; such messages do not pass (counted by --stats, warned once)."});
    CHECK(job.subscriber->stats().not_json == 2);
    CHECK(job.subscriber->stats().received == 2);
}

TEST_CASE("subscriber: --where with --on-error stop ends at a payload that is not JSON, or an error of the expression")
{
    SubscribeJob job({"-t", "s", "--where", ".a.b", "--on-error", "stop"});
    job.subscribed();
    job.receive({"s", "{\"a\":{\"b\":1}}"});
    CHECK_FALSE(job.connection.outcome);
    job.receive({"s", "{\"a\":\"x\"}"});
    REQUIRE(job.connection.outcome);
    CHECK(job.connection.outcome->status == mqtt::ExitStatus::usage);
    CHECK(job.connection.outcome->text ==
          "Error: --where failed on the message on topic s: Cannot index string with string \"b\".");
    CHECK(job.printed() == "{\"a\":{\"b\":1}}\n");
    CHECK(job.connection.warnings.empty());
}

TEST_CASE("subscriber: --where judges the --decode'd value, a payload that does not decode is skipped, not printed raw")
{
    SubscribeJob job({"-t", "s", "--decode", "cbor", "--where", ".n == 1"});
    job.subscribed();
    job.receive({"s", std::string("\xa1\x61n\x01", 4)});
    job.receive({"s", std::string("\xa1\x61n\x02", 4)});
    job.receive({"s", "\xff"});
    CHECK(job.printed() == "{\"n\":1}\n");
    REQUIRE(job.connection.warnings.size() == 1);
    CHECK(job.connection.warnings[0].ends_with("; skipped."));
}
