#include <doctest/doctest.h>

#include <cstdlib>
#include <mqtt_protocol.h>

#include "property_list.h"

using mqtt::PropertyCommand;

namespace {

mqtt::Property parsed(const std::vector<std::string>& args)
{
    auto result = mqtt::parse_property(args);
    REQUIRE(result.ok());
    return result.value().property;
}

/// Takes ownership of a string libmosquitto allocated.
std::string take(char* text)
{
    std::string copy = text ? text : "";
    std::free(text);
    return copy;
}

}  // namespace

TEST_CASE("every type reaches libmosquitto's list with its value, in order")
{
    const std::vector<mqtt::Property> properties = {
        parsed({"publish", "payload-format-indicator", "1"}),
        parsed({"publish", "topic-alias", "300"}),
        parsed({"publish", "message-expiry-interval", "4294967295"}),
        parsed({"publish", "content-type", "text/plain"}),
        parsed({"publish", "correlation-data", std::string("a\0b", 3)}),
        parsed({"publish", "user-property", "k1", "v1"}),
        parsed({"publish", "user-property", "k2", ""}),
    };
    const mqtt::PropertyList list(properties);
    const mosquitto_property* p = list.get();
    REQUIRE(p != nullptr);
    CHECK(mosquitto_property_check_all(CMD_PUBLISH, p) == MOSQ_ERR_SUCCESS);

    std::uint8_t byte = 0;
    CHECK(mosquitto_property_read_byte(p, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, &byte, false));
    CHECK(byte == 1);
    std::uint16_t int16 = 0;
    CHECK(mosquitto_property_read_int16(p, MQTT_PROP_TOPIC_ALIAS, &int16, false));
    CHECK(int16 == 300);
    std::uint32_t int32 = 0;
    CHECK(mosquitto_property_read_int32(p, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &int32, false));
    CHECK(int32 == 4294967295U);
    char* text = nullptr;
    CHECK(mosquitto_property_read_string(p, MQTT_PROP_CONTENT_TYPE, &text, false));
    CHECK(take(text) == "text/plain");
    void* data = nullptr;
    std::uint16_t length = 0;
    CHECK(mosquitto_property_read_binary(p, MQTT_PROP_CORRELATION_DATA, &data, &length, false));
    CHECK(std::string(static_cast<char*>(data), length) == std::string("a\0b", 3));
    std::free(data);

    char* key = nullptr;
    char* value = nullptr;
    const mosquitto_property* first = mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &key, &value, false);
    REQUIRE(first != nullptr);
    CHECK(take(key) == "k1");
    CHECK(take(value) == "v1");
    CHECK(mosquitto_property_read_string_pair(first, MQTT_PROP_USER_PROPERTY, &key, &value, true));
    CHECK(take(key) == "k2");
    CHECK(take(value) == "");

    // The wire order is the order given.
    std::vector<int> order;
    for (const mosquitto_property* q = p; q; q = mosquitto_property_next(q)) order.push_back(mosquitto_property_identifier(q));
    CHECK(order ==
          std::vector<int>{MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, MQTT_PROP_TOPIC_ALIAS, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
                           MQTT_PROP_CONTENT_TYPE, MQTT_PROP_CORRELATION_DATA, MQTT_PROP_USER_PROPERTY, MQTT_PROP_USER_PROPERTY});
}

TEST_CASE("a subscription identifier is a variable byte integer")
{
    const mqtt::PropertyList list(std::vector<mqtt::Property>{parsed({"subscribe", "subscription-identifier", "268435455"})});
    std::uint32_t id = 0;
    CHECK(mosquitto_property_read_varint(list.get(), MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &id, false));
    CHECK(id == 268435455U);
    CHECK(mosquitto_property_check_all(CMD_SUBSCRIBE, list.get()) == MOSQ_ERR_SUCCESS);
}

TEST_CASE("an empty list is no list, moving and releasing hand the list on")
{
    mqtt::PropertyList empty;
    CHECK(empty.get() == nullptr);
    CHECK(empty.empty());
    CHECK(mqtt::PropertyList(std::vector<mqtt::Property>{}).get() == nullptr);

    mqtt::PropertyList list(std::vector<mqtt::Property>{parsed({"will", "will-delay-interval", "30"})});
    const mosquitto_property* raw = list.get();
    mqtt::PropertyList moved(std::move(list));
    CHECK(moved.get() == raw);
    CHECK(list.get() == nullptr);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    empty = std::move(moved);
    CHECK(empty.get() == raw);
    mosquitto_property* owned = empty.release();
    CHECK(owned == raw);
    CHECK(empty.get() == nullptr);
    mosquitto_property_free_all(&owned);
}
