#include <doctest/doctest.h>

#include <mqtt_protocol.h>

#include "json_record.h"

using namespace std::string_literals;

namespace {

mqtt::JsonRecord record(const std::string& text)
{
    auto result = mqtt::parse_json_record(text);
    if (!result) FAIL(text << ": " << result.error());
    return result.value();
}

std::string error_of(const std::string& text)
{
    auto result = mqtt::parse_json_record(text);
    if (!result) return result.error();
    return "(accepted)";
}

}  // namespace

TEST_CASE("parse_json_record: what mqtt-sub --json prints")
{
    const auto r = record(R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"a/b","qos":1,"retain":true,)"
                          R"("payloadlen":5,"mid":7,"payload":"h\u00e9\u0000"})");
    CHECK(r.topic == "a/b");
    CHECK(r.qos == 1);
    CHECK(r.retain == true);
    CHECK(r.payload == "h\xc3\xa9\0"s);
    CHECK(!r.properties);
    CHECK(r.tst_us == 1588798080123456LL);
}

TEST_CASE("parse_json_record: absent keys stay unset, payload_base64, null and 2.0's retain numbers")
{
    const auto r = record(R"({"payload_base64":"AP8=","extra":[1]})");
    CHECK(!r.topic);
    CHECK(!r.qos);
    CHECK(!r.retain);
    CHECK(r.payload == "\x00\xff"s);
    CHECK(!r.tst_us);
    CHECK(record(R"({"payload":null,"retain":1})").payload.empty());
    CHECK(record(R"({"payload":"","retain":0})").retain == false);
}

TEST_CASE("parse_json_record: properties as mosquitto names them")
{
    const auto r = record(R"({"payload":"p","properties":{"payload-format-indicator":1,"message-expiry-interval":60,)"
                          R"("content-type":"text/plain","response-topic":"re","correlation-data_base64":"AP8=",)"
                          R"("user-properties":[{"k":"v"},{"k":"v2"}],"subscription-identifier":3,"topic-alias":2}})");
    REQUIRE(r.properties);
    const auto& p = *r.properties;
    REQUIRE(p.size() == 7);
    CHECK(p[0].identifier == MQTT_PROP_PAYLOAD_FORMAT_INDICATOR);
    CHECK(p[0].number == 1);
    CHECK(p[1].identifier == MQTT_PROP_MESSAGE_EXPIRY_INTERVAL);
    CHECK(p[1].number == 60);
    CHECK(p[2].value == "text/plain");
    CHECK(p[3].value == "re");
    CHECK(p[4].identifier == MQTT_PROP_CORRELATION_DATA);
    CHECK(p[4].value == "\x00\xff"s);
    CHECK((p[5].key == "k" && p[5].value == "v"));
    CHECK((p[6].key == "k" && p[6].value == "v2"));
    // mosquitto 2.0's one object of user properties.
    CHECK(record(R"({"payload":"","properties":{"user-properties":{"a":"1","b":"2"}}})").properties->size() == 2);
}

TEST_CASE("parse_json_record: what cannot be sent is refused with the reason")
{
    CHECK(error_of("[1]") == "not a JSON object");
    CHECK(error_of("{\"payload\":") == "not JSON at byte 12: a value is missing");
    CHECK(error_of(R"({"topic":"t"})") == R"(no "payload" or "payload_base64")");
    CHECK(error_of(R"({"payload":"a","payload_base64":"YQ=="})") == R"(both "payload" and "payload_base64" given)");
    CHECK(error_of(R"({"payload_base64":"YQ="})") == R"("payload_base64" is not valid base64)");
    CHECK(error_of(R"({"payload":1})") == R"("payload" must be a string)");
    CHECK(error_of(R"({"payload":"","topic":1})") == R"("topic" must be a string)");
    CHECK(error_of(R"({"payload":"","topic":"a/#"})") == "Invalid publish topic 'a/#', does it contain '+' or '#'?");
    CHECK(error_of(R"({"payload":"","topic":""})") == "Invalid topic '', a topic must not be empty.");
    CHECK(error_of(R"({"payload":"","qos":"1"})") == R"("qos" must be 0, 1 or 2)");
    CHECK(error_of(R"({"payload":"","retain":"yes"})") == R"("retain" must be true or false)");
    CHECK(error_of(R"({"payload":"","properties":[]})") == R"("properties" must be an object)");
    CHECK(error_of(R"({"payload":"","properties":{"colour":"red"}})") == R"(unknown property "colour")");
    CHECK(error_of(R"({"payload":"","properties":{"payload-format-indicator":2}})") ==
          R"("payload-format-indicator" must be a whole number from 0 to 1)");
    CHECK(error_of(R"({"payload":"","properties":{"content-type":"a\u0000"}})") ==
          R"("content-type" must be a string without NUL)");
    CHECK(error_of(R"({"payload":"","properties":{"user-properties":[1]}})") ==
          R"("user-properties" must be an array of objects)");
}

TEST_CASE("parse_tst: mosquitto's time stamps, any zone form, as microseconds since the epoch")
{
    CHECK(mqtt::parse_tst("2020-05-06T21:48:00.123456+0100") == 1588798080123456LL);
    CHECK(mqtt::parse_tst("2020-05-06T20:48:00.123456Z+0000") == 1588798080123456LL);  // 2.0.11
    CHECK(mqtt::parse_tst("2020-05-06T15:48:00-05:00") == 1588798080000000LL);
    CHECK(mqtt::parse_tst("2020-05-06T20:48:00.5Z") == 1588798080500000LL);
    CHECK(mqtt::parse_tst("2020-05-06T20:48:00") == 1588798080000000LL);
    CHECK(!mqtt::parse_tst("2020-05-06 20:48:00"));
    CHECK(!mqtt::parse_tst("2020-13-06T20:48:00"));
    CHECK(!mqtt::parse_tst("2020-05-06T20:48:00.+0100"));
    CHECK(!mqtt::parse_tst("2020-05-06T20:48:00+01"));
}
