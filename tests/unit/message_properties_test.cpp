#include <doctest/doctest.h>

#include <mqtt_protocol.h>

#include "message_properties.h"
#include "test_properties.h"

using namespace std::string_literals;

TEST_CASE("message properties: numbers of each wire type, strings, binary data and user properties")
{
    test::Properties properties;
    properties.byte(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1);
    properties.int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 4000000000U);
    properties.int16(MQTT_PROP_TOPIC_ALIAS, 65535);
    properties.varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 300);
    properties.varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 301);
    properties.string(MQTT_PROP_CONTENT_TYPE, "text/plain");
    properties.binary(MQTT_PROP_CORRELATION_DATA, "a\0b"s);
    properties.user("name", "value");

    CHECK(mqtt::read_number_property(properties.list, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR) == 1U);
    CHECK(mqtt::read_number_property(properties.list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL) == 4000000000U);
    CHECK(mqtt::read_number_property(properties.list, MQTT_PROP_TOPIC_ALIAS) == 65535U);
    CHECK(mqtt::read_number_property(properties.list, MQTT_PROP_SUBSCRIPTION_IDENTIFIER) == 300U);  // the first one
    CHECK(mqtt::read_bytes_property(properties.list, MQTT_PROP_CONTENT_TYPE)->view() == "text/plain");
    CHECK(mqtt::read_bytes_property(properties.list, MQTT_PROP_CORRELATION_DATA)->view() == "a\0b"s);
    CHECK_FALSE(mqtt::read_bytes_property(properties.list, MQTT_PROP_RESPONSE_TOPIC));
    CHECK_FALSE(mqtt::read_number_property(properties.list, MQTT_PROP_RECEIVE_MAXIMUM));  // not a PUBLISH property

    const mosquitto_property* user = properties.list;
    while (mosquitto_property_identifier(user) != MQTT_PROP_USER_PROPERTY) user = mosquitto_property_next(user);
    const auto pair = mqtt::read_user_property(user);
    REQUIRE(pair);
    CHECK(pair->name.view() == "name");
    CHECK(pair->value.view() == "value");
}

TEST_CASE("message properties: a message without properties has none of them")
{
    CHECK_FALSE(mqtt::read_number_property(nullptr, MQTT_PROP_TOPIC_ALIAS));
    CHECK_FALSE(mqtt::read_bytes_property(nullptr, MQTT_PROP_CONTENT_TYPE));
    CHECK_FALSE(mqtt::read_bytes_property(nullptr, MQTT_PROP_CORRELATION_DATA));
}
