#include <doctest/doctest.h>

#include <cstdlib>
#include <mqtt_protocol.h>

#include "message_json.h"
#include "test_properties.h"

using namespace std::string_literals;

namespace {

/// `seconds`.`nanoseconds` as local time in the POSIX zone `tz`.
mqtt::Timestamp at(std::time_t seconds, long nanoseconds, const char* tz)
{
    setenv("TZ", tz, 1);
    tzset();
    mqtt::Timestamp t;
    t.wall = {seconds, nanoseconds};
    localtime_r(&t.wall.tv_sec, &t.local);
    return t;
}

std::string json_of(const mqtt::Message& m, mqtt::JsonPayload payload, bool pretty = false)
{
    std::string out;
    mqtt::append_message_json(out, m, at(1588798080, 5000, "UTC0"), payload, pretty);
    return out;
}

}  // namespace

TEST_CASE("json_timestamp: local time, microseconds (cut, not rounded) and the numeric UTC offset")
{
    CHECK(mqtt::json_timestamp(at(1588798080, 123456789, "BST-1")).view() == "2020-05-06T21:48:00.123456+0100");
    CHECK(mqtt::json_timestamp(at(1588798080, 999999999, "EST5")).view() == "2020-05-06T15:48:00.999999-0500");
    CHECK(mqtt::json_timestamp(at(0, 0, "UTC0")).view() == "1970-01-01T00:00:00.000000+0000");
    CHECK(mqtt::json_timestamp(at(1588798080, 1000, "IST-5:30")).view() == "2020-05-07T02:18:00.000001+0530");
}

TEST_CASE("append_message_json: key order, mid only with QoS > 0, the payload by mode")
{
    mqtt::Message m;
    m.topic = "t/\"q\"";
    m.payload = "[1, 2]";
    CHECK(
        json_of(m, mqtt::JsonPayload::string) ==
        R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t/\"q\"","qos":0,"retain":false,"payloadlen":6,"payload":"[1, 2]"})");
    CHECK(json_of(m, mqtt::JsonPayload::json) ==
          R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t/\"q\"","qos":0,"retain":false,"payloadlen":6,"payload":[1,2]})");
    m.qos = 1;
    m.mid = 65535;
    m.retain = true;
    m.payload = "";
    CHECK(
        json_of(m, mqtt::JsonPayload::json) ==
        R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t/\"q\"","qos":1,"retain":true,"payloadlen":0,"mid":65535,"payload":null})");
}

TEST_CASE("append_message_json: properties other than a PUBLISH's are left out, as upstream")
{
    test::Properties properties;
    properties.string(MQTT_PROP_REASON_STRING, "why");
    properties.int16(MQTT_PROP_RECEIVE_MAXIMUM, 10);
    mqtt::Message m;
    m.topic = "t";
    m.payload = "p";
    m.properties = properties.list;
    CHECK(
        json_of(m, mqtt::JsonPayload::string) ==
        R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t","qos":0,"retain":false,"payloadlen":1,"properties":{},"payload":"p"})");
    CHECK(json_of(m, mqtt::JsonPayload::string, true) ==
          "{\n\t\"tst\":\t\"2020-05-06T20:48:00.000005+0000\",\n\t\"topic\":\t\"t\",\n\t\"qos\":\t0,\n"
          "\t\"retain\":\tfalse,\n\t\"payloadlen\":\t1,\n\t\"properties\":\t{\n\t},\n\t\"payload\":\t\"p\"\n}");
}

TEST_CASE("append_message_json lossless (--json): UTF-8 as payload, other bytes as payload_base64")
{
    const std::string text = "\0\n\xc3\xa9"s;
    const std::string binary = "\xff\xfe"s;
    mqtt::Message m;
    m.topic = "t";
    m.payload = text;
    CHECK(json_of(m, mqtt::JsonPayload::lossless) ==
          R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t","qos":0,"retain":false,"payloadlen":4,"payload":"\u0000\né"})");
    m.payload = binary;
    CHECK(
        json_of(m, mqtt::JsonPayload::lossless) ==
        R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t","qos":0,"retain":false,"payloadlen":2,"payload_base64":"//4="})");
    m.payload = "";
    CHECK(json_of(m, mqtt::JsonPayload::lossless) ==
          R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t","qos":0,"retain":false,"payloadlen":0,"payload":""})");
}

TEST_CASE("append_message_json lossless: correlation data that is not UTF-8 as correlation-data_base64")
{
    test::Properties properties;
    properties.binary(MQTT_PROP_CORRELATION_DATA, "\x01\xff"s);
    mqtt::Message m;
    m.topic = "t";
    m.payload = "p";
    m.properties = properties.list;
    CHECK(json_of(m, mqtt::JsonPayload::lossless) ==
          R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t","qos":0,"retain":false,"payloadlen":1,)"
          R"("properties":{"correlation-data_base64":"Af8="},"payload":"p"})");
    // %j keeps upstream's string, with the byte escaped as its Latin-1 character.
    CHECK(json_of(m, mqtt::JsonPayload::string) ==
          R"({"tst":"2020-05-06T20:48:00.000005+0000","topic":"t","qos":0,"retain":false,"payloadlen":1,)"
          R"("properties":{"correlation-data":"\u0001\u00ff"},"payload":"p"})");
}
