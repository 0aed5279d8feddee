// -D/--property against a real mosquitto: the tools connect through a test::Tap, which
// records the packets both ways, so each case sees the properties a tool sent and the
// ones that reached a subscriber (mosquitto logs no properties; mqtt-sub prints none).
#include "e2e.h"
#include "mqtt_tap.h"

#include <csignal>
#include <regex>
#include <string>

using namespace e2e;
using test::describe;
using test::Packet;

namespace {

/// `name` connecting to the broker through `tap`, then `args`.
Args via(const test::Tap& tap, const std::string& name, const Args& args)
{
    Args argv{test::tool(name), "-h", "127.0.0.1", "-p", tap.port_str()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// The packets of `type` among `packets`.
std::vector<Packet> only(const std::vector<Packet>& packets, const std::string& type)
{
    std::vector<Packet> found;
    for (const auto& p : packets) {
        if (p.type == type) found.push_back(p);
    }
    return found;
}

}  // namespace

TEST_CASE("properties: -D publish properties are sent and reach an MQTT 5 subscriber")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    const Args argv = via(tap, "mqtt-sub", {"-V", "5", "-i", "psub", "-t", "sensors/#", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "psub", argv, [&] {
        const test::Result p = test::run(via(tap, "mqtt-pub",
                                             {"-i",
                                              "ppub",
                                              "-t",
                                              "sensors/t1",
                                              "-m",
                                              "21.5",
                                              "-q",
                                              "1",
                                              "-D",
                                              "publish",
                                              "user-property",
                                              "unit",
                                              "celsius",
                                              "-D",
                                              "PUBLISH",
                                              "User-Property",
                                              "room",
                                              "kitchen",
                                              "-D",
                                              "publish",
                                              "content-type",
                                              "text/plain",
                                              "-D",
                                              "publish",
                                              "response-topic",
                                              "replies/t1",
                                              "-D",
                                              "publish",
                                              "correlation-data",
                                              "req-42",
                                              "-D",
                                              "publish",
                                              "message-expiry-interval",
                                              "3600",
                                              "-D",
                                              "publish",
                                              "payload-format-indicator",
                                              "1"}));
        CHECK(p.status == 0);
        CHECK(p.err == "");
    });
    check_ended(r, 0, "sensors/t1 21.5\n");

    // What mqtt-pub sent, in the order given, and only with the PUBLISH.
    const auto sent = tap.sent_by("ppub");
    REQUIRE(only(sent, "PUBLISH").size() == 1);
    CHECK(describe(only(sent, "PUBLISH")[0].properties) ==
          "user-property=unit:celsius user-property=room:kitchen content-type=text/plain response-topic=replies/t1 "
          "correlation-data=req-42 message-expiry-interval=3600 payload-format-indicator=1");
    // libmosquitto always announces its receive maximum (-M's default, 20).
    CHECK(describe(only(sent, "CONNECT")[0].properties) == "receive-maximum=20");
    // What reached mqtt-sub: the broker passes them all on (its own order; the expiry
    // interval counts down, so 3599 is possible on a slow machine).
    const auto received = only(tap.received_by("psub"), "PUBLISH");
    REQUIRE(received.size() == 1);
    const std::string got = describe(received[0].properties);
    CAPTURE(got);
    for (const std::string expected : {"user-property=unit:celsius user-property=room:kitchen", "content-type=text/plain",
                                       "response-topic=replies/t1", "correlation-data=req-42", "payload-format-indicator=1"}) {
        CHECK(got.find(expected) != std::string::npos);
    }
    CHECK((got.find("message-expiry-interval=3600") != std::string::npos ||
           got.find("message-expiry-interval=3599") != std::string::npos));
}

TEST_CASE("properties: -D connect properties go into CONNECT with those of -x and -C, and the broker accepts them")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    const test::Result r = test::run(via(tap, "mqtt-sub",
                                         {"-i",
                                          "csub",
                                          "-t",
                                          "c",
                                          "-E",
                                          "-C",
                                          "5",
                                          "-x",
                                          "60",
                                          "-D",
                                          "connect",
                                          "user-property",
                                          "tool",
                                          "mqtt-sub",
                                          "-D",
                                          "connect",
                                          "topic-alias-maximum",
                                          "4",
                                          "-D",
                                          "connect",
                                          "request-problem-information",
                                          "1"}));
    CHECK(r.status == 0);
    CHECK(r.err == "");
    const auto connect = only(tap.sent_by("csub"), "CONNECT");
    REQUIRE(connect.size() == 1);
    CHECK(describe(connect[0].properties) ==
          "user-property=tool:mqtt-sub topic-alias-maximum=4 request-problem-information=1 "
          "session-expiry-interval=60 receive-maximum=5");
    CHECK(broker.log().find("New client connected from 127.0.0.1") != std::string::npos);

    // A receive-maximum given with -D replaces the one -C would send.
    const test::Result own =
        test::run(via(tap, "mqtt-sub", {"-i", "rsub", "-t", "c", "-E", "-C", "5", "-D", "connect", "receive-maximum", "3"}));
    CHECK(own.status == 0);
    const auto own_connect = only(tap.sent_by("rsub"), "CONNECT");
    REQUIRE(own_connect.size() == 1);
    CHECK(describe(own_connect[0].properties) == "receive-maximum=3");
}

TEST_CASE("properties: -D will properties travel with the will and come back when it is published")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    test::Child watcher(via(tap, "mqtt-sub", {"-V", "5", "-i", "watcher", "-t", "wills/+", "-v", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "watcher");
    test::Child victim(via(tap, "mqtt-sub",
                           {"-i", "victim", "-t", "x", "-W", "20", "--will-topic", "wills/victim", "--will-payload", "gone", "-D",
                            "will", "content-type", "text/plain", "-D", "will", "user-property", "reason", "crash"}));
    require_subscribed(broker, "victim");

    victim.signal(SIGKILL);
    CHECK(victim.wait(5s).status == 128 + SIGKILL);
    const test::Result r = watcher.wait(10s);
    CHECK(r.status == 0);
    CHECK(r.out == "wills/victim gone\n");

    const auto connect = only(tap.sent_by("victim"), "CONNECT");
    REQUIRE(connect.size() == 1);
    CHECK(connect[0].will_topic == "wills/victim");
    CHECK(describe(connect[0].will_properties) == "content-type=text/plain user-property=reason:crash");
    CHECK(describe(connect[0].properties) == "receive-maximum=20");
    const auto will = only(tap.received_by("watcher"), "PUBLISH");
    REQUIRE(will.size() == 1);
    const std::string got = describe(will[0].properties);
    CAPTURE(got);
    CHECK(got.find("content-type=text/plain") != std::string::npos);
    CHECK(got.find("user-property=reason:crash") != std::string::npos);
}

TEST_CASE("properties: -D will will-delay-interval holds the will back")
{
    test::Broker broker;
    test::Child watcher(sub(broker, {"-V", "5", "-i", "watcher", "-t", "wills/+", "-v", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "watcher");
    // The session must outlive the connection, or the broker publishes the will at once.
    test::Child victim(sub(broker,
                           {"-i", "delayed", "-t", "x", "-x", "30", "--will-topic", "wills/delayed", "--will-payload", "late",
                            "-D", "will", "will-delay-interval", "2", "-W", "20"}));
    require_subscribed(broker, "delayed");

    victim.signal(SIGKILL);
    CHECK(victim.wait(5s).status == 128 + SIGKILL);
    const auto killed = Clock::now();
    const test::Result r = watcher.wait(10s);
    CHECK(r.status == 0);
    CHECK(r.out == "wills/delayed late\n");
    CHECK(seconds_since(killed) > 1.5);
}

TEST_CASE("properties: -D subscribe subscription-identifier is sent and comes back with each message")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    const Args argv = via(tap, "mqtt-sub",
                          {"-i", "idsub", "-t", "ids/#", "-C", "1", "-W", "10", "-D", "subscribe", "subscription-identifier",
                           "42", "-D", "subscribe", "user-property", "purpose", "test"});
    const test::Result r = run_subscriber(broker, "idsub", argv, [&] { publish(broker, {"-t", "ids/1", "-m", "tagged"}); });
    check_ended(r, 0, "tagged\n");

    const auto subscribe = only(tap.sent_by("idsub"), "SUBSCRIBE");
    REQUIRE(subscribe.size() == 1);
    CHECK(subscribe[0].filters == std::vector<std::string>{"ids/#"});
    CHECK(describe(subscribe[0].properties) == "subscription-identifier=42 user-property=purpose:test");
    const auto message = only(tap.received_by("idsub"), "PUBLISH");
    REQUIRE(message.size() == 1);
    CHECK(describe(message[0].properties) == "subscription-identifier=42");
}

TEST_CASE("properties: -D unsubscribe and -D disconnect properties go with UNSUBSCRIBE and DISCONNECT")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    const test::Result s = test::run(via(tap, "mqtt-sub", {"-i",   "usub",    "-t",         "keep",          "-U",
                                                           "drop", "-E",      "-D",         "unsubscribe",   "user-property",
                                                           "why",  "cleanup", "-D",         "disconnect",    "reason-string",
                                                           "done", "-D",      "disconnect", "user-property", "k",
                                                           "v"}));
    CHECK(s.status == 0);
    CHECK(s.err == "");
    const test::Result p = test::run(via(
        tap, "mqtt-pub", {"-i", "dpub", "-t", "t", "-m", "x", "-x", "60", "-D", "disconnect", "session-expiry-interval", "0"}));
    CHECK(p.status == 0);
    CHECK(p.err == "");
    // -E ends in the SUBACK callback while the UNSUBACK is already in: DISCONNECT still goes out.
    REQUIRE(tap.wait_for_sent("usub", "DISCONNECT"));
    REQUIRE(tap.wait_for_sent("dpub", "DISCONNECT"));

    const auto unsubscribe = only(tap.sent_by("usub"), "UNSUBSCRIBE");
    REQUIRE(unsubscribe.size() == 1);
    CHECK(unsubscribe[0].filters == std::vector<std::string>{"drop"});
    CHECK(describe(unsubscribe[0].properties) == "user-property=why:cleanup");
    const auto sub_end = only(tap.sent_by("usub"), "DISCONNECT");
    REQUIRE(sub_end.size() == 1);
    CHECK(sub_end[0].reason == 0);
    CHECK(describe(sub_end[0].properties) == "reason-string=done user-property=k:v");
    CHECK(describe(only(tap.sent_by("usub"), "SUBSCRIBE")[0].properties) == "");
    const auto pub_end = only(tap.sent_by("dpub"), "DISCONNECT");
    REQUIRE(pub_end.size() == 1);
    CHECK(describe(pub_end[0].properties) == "session-expiry-interval=0");
    // The broker took both DISCONNECTs as normal ones (a protocol error would be logged).
    REQUIRE(broker.wait_for_log("Client dpub disconnected.\n"));
    CHECK(broker.log().find("Client usub disconnected.\n") != std::string::npos);
    CHECK(broker.log().find("protocol error") == std::string::npos);
}

TEST_CASE("properties: -D disconnect properties are sent when -C ends in the middle of a burst")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    const Args argv = via(tap, "mqtt-sub",
                          {"-i", "burst", "-q", "1", "-t", "b", "-C", "2", "-W", "10", "--will-topic", "wills/burst", "-D",
                           "disconnect", "reason-string", "enough"});
    const test::Result r = run_subscriber(broker, "burst", argv, [&] {
        publish(broker, {"-q", "1", "-t", "b", "-m", "m", "--repeat", "50"});
    });
    check_ended(r, 0, "m\nm\n");
    REQUIRE(tap.wait_for_sent("burst", "DISCONNECT"));
    CHECK(describe(only(tap.sent_by("burst"), "DISCONNECT")[0].properties) == "reason-string=enough");
    // A normal DISCONNECT: the broker discards the will.
    REQUIRE(broker.wait_for_log("Client burst disconnected.\n"));
    CHECK(broker.log().find("Received DISCONNECT from burst") != std::string::npos);
}

TEST_CASE("properties: -D publish topic-alias: the first PUBLISH names the topic, the others only the alias")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    const Args argv = sub(broker, {"-V", "5", "-i", "asub", "-t", "alias/#", "-v", "-C", "3", "-W", "10"});
    const test::Result r = run_subscriber(broker, "asub", argv, [&] {
        const test::Result p = test::run(via(tap, "mqtt-pub",
                                             {"-i", "apub", "-t", "alias/long/topic/name", "-q", "1", "-m", "m", "--repeat", "3",
                                              "-D", "publish", "topic-alias", "7"}));
        CHECK(p.status == 0);
        CHECK(p.err == "");
    });
    check_ended(r, 0, "alias/long/topic/name m\nalias/long/topic/name m\nalias/long/topic/name m\n");

    const auto sent = only(tap.sent_by("apub"), "PUBLISH");
    REQUIRE(sent.size() == 3);
    CHECK(sent[0].topic == "alias/long/topic/name");
    CHECK(sent[1].topic == "");
    CHECK(sent[2].topic == "");
    for (const auto& packet : sent) CHECK(describe(packet.properties) == "topic-alias=7");
}

TEST_CASE("properties: a topic alias the broker does not take ends with 8 before anything is published")
{
    test::Broker broker;  // mosquitto's default max_topic_alias is 10
    test::Tap tap(broker.port());
    const test::Result above =
        test::run(via(tap, "mqtt-pub", {"-i", "big", "-t", "t", "-m", "x", "-D", "publish", "topic-alias", "11"}));
    check_ended(above, 8, "", "Error: The broker accepts topic aliases up to 10, not 11.\n");
    REQUIRE(tap.wait_for_sent("big", "DISCONNECT"));
    CHECK(only(tap.sent_by("big"), "PUBLISH").empty());

    test::Broker none(with_extra("max_topic_alias 0\n"));
    const test::Result refused = test::run(pub(none, {"-t", "t", "-m", "x", "-D", "publish", "topic-alias", "1"}));
    CHECK(refused.status == 8);
    CHECK(refused.err == "Error: The broker does not accept topic aliases.\n");
}

TEST_CASE("properties: a bad -D ends with 1 and the exact line, before connecting")
{
    struct Case {
        const char* tool;
        Args args;
        std::string line;
    };
    const std::vector<Case> cases = {
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "user-property", "k"},
         "Error: --property argument given but not enough arguments specified."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publsh", "content-type", "c"},
         "Error: Invalid command publsh given in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "content_type", "c"},
         "Error: Invalid property name content_type given in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "connect", "content-type", "c"},
         "Error: content-type property not allowed for connect in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "subscription-identifier", "1"},
         "Error: subscription-identifier property not supported for publish in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "payload-format-indicator", "256"},
         "Error: Property value (256) out of range for property payload-format-indicator."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "message-expiry-interval", "1h"},
         "Error: Property value (1h) is not a number for property message-expiry-interval."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "correlation-data", std::string(65536, 'c')},
         "Error: Property value too long for property correlation-data."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "content-type", "c", "-V", "311"},
         "Error: MQTT v5 properties given (-D) but protocol version mqttv311 selected."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-x", "60", "-D", "connect", "session-expiry-interval", "60"},
         "Error in CONNECT properties: Duplicate property in property list"},
        {"mqtt-sub",
         {"-t", "t", "-D", "subscribe", "subscription-identifier", "0"},
         "Error: Property value (0) out of range for property subscription-identifier."},
        {"mqtt-sub",
         {"-t", "t", "-D", "publish", "content-type", "c"},
         "Error: publish properties are not used by mqtt-sub, which sends no PUBLISH."},
        {"mqtt-sub", {"-t", "t", "-D", "will", "content-type", "c"}, "Error: Will properties given, but no will topic given."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "correlation-data:hex", "0a0"},
         "Error: Invalid hex value \"0a0\" for property correlation-data:hex in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "correlation-data:hex", "0x0a"},
         "Error: Invalid hex value \"0x0a\" for property correlation-data:hex in --property argument."},
        {"mqtt-sub",
         {"-t", "t", "-D", "connect", "authentication-data:base64", "7Cg1="},
         "Error: Invalid base64 value \"7Cg1=\" for property authentication-data:base64 in --property argument."},
        {"mqtt-rr",
         {"-t", "t", "-m", "x", "-D", "publish", "correlation-data:base64", "AP8"},
         "Error: Invalid base64 value \"AP8\" for property correlation-data:base64 in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "content-type:hex", "00"},
         "Error: Only correlation-data, authentication-data and user-property values can be given as hex, not "
         "content-type in --property argument."},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-D", "publish", "user-property:hex", "k", "0a"},
         "Error: Malformed UTF-8 in property user-property:hex."},
    };
    for (const auto& c : cases) {
        Args args{"-h", "127.0.0.1", "-p", "1"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        CAPTURE(c.line);
        const test::Result r = test::run(command(c.tool, args));
        check_ended(r, 1, "", usage_error(c.tool, c.line));
    }
}

TEST_CASE("properties: <name>:hex and <name>:base64 send binary correlation data and user property values byte for byte")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    // Correlation data with NUL and 0xff bytes; a user property value of "°C" in base64.
    const std::string bytes("\x00\xff\x00\x61\xff", 5);
    test::Child formatted(sub(broker, {"-V", "5", "-i", "fsub", "-t", "bin", "-C", "2", "-W", "10", "-F", "%D|%P|%p"}));
    test::Child json(sub(broker, {"-V", "5", "-i", "jsub", "-t", "bin", "-C", "2", "-W", "10", "--json"}));
    require_subscribed(broker, "fsub");
    require_subscribed(broker, "jsub");
    const test::Result p =
        test::run(via(tap, "mqtt-pub",
                      {"-V", "5", "-i", "bpub", "-q", "1", "-t", "bin", "-m", "x", "-D", "publish", "correlation-data:hex",
                       "00ff 00 61FF", "-D", "publish", "user-property:base64", "unit", "wrBD"}));
    check_ended(p, 0, "");
    // The encoding is in the name: a value that looks like hex stays its own bytes.
    publish(broker, {"-V", "5", "-q", "1", "-t", "bin", "-m", "y", "-D", "publish", "correlation-data", "hex:00ff"});

    check_ended(formatted.wait(10s), 0,
                bytes +
                    "|unit:\xc2\xb0"
                    "C|x\nhex:00ff||y\n");
    const test::Result j = json.wait(10s);
    CHECK(j.status == 0);
    CHECK(j.err == "");
    static const std::regex shape(
        R"(\{"tst":"[^"]+","topic":"bin","qos":0,"retain":false,"payloadlen":1,"properties":\{)"
        R"("correlation-data_base64":"AP8AYf8=","user-properties":\[\{"unit":"°C"\}\]\},"payload":"x"\}\n)"
        R"(\{"tst":"[^"]+","topic":"bin","qos":0,"retain":false,"payloadlen":1,"properties":\{)"
        R"("correlation-data":"hex:00ff"\},"payload":"y"\}\n)");
    CHECK_MESSAGE(std::regex_match(j.out, shape), j.out);

    // On the wire, the decoded bytes, nothing else.
    const auto sent = only(tap.sent_by("bpub"), "PUBLISH");
    REQUIRE(sent.size() == 1);
    CHECK(describe(sent[0].properties) ==
          "correlation-data=" + bytes +
              " user-property=unit:\xc2\xb0"
              "C");
}

TEST_CASE("properties: -D connect authentication-data:base64 and -D will correlation-data:hex go into CONNECT decoded")
{
    test::Broker broker;
    test::Tap tap(broker.port());
    // mosquitto without an authentication plugin refuses any authentication method; what
    // matters here is what the tool sent.
    const test::Result r = test::run(via(tap, "mqtt-sub", {"-i",   "asub",         "-t",      "a",
                                                           "-E",   "--will-topic", "w",       "--will-payload",
                                                           "gone", "-D",           "will",    "correlation-data:HEX",
                                                           "ff00", "-D",           "connect", "authentication-method",
                                                           "demo", "-D",           "connect", "authentication-data:base64",
                                                           "AP8Q"}));
    check_ended(r, 140, "", "Connection error: Bad authentication method\n");
    const auto connect = only(tap.sent_by("asub"), "CONNECT");
    REQUIRE(connect.size() == 1);
    CHECK(describe(connect[0].properties) ==
          "authentication-method=demo authentication-data=" + std::string("\x00\xff\x10", 3) + " receive-maximum=20");
    CHECK(describe(connect[0].will_properties) == "correlation-data=" + std::string("\xff\x00", 2));
}
