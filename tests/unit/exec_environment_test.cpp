#include <doctest/doctest.h>

#include <mqtt_protocol.h>
#include <string>
#include <vector>

#include "exec_environment.h"
#include "test_properties.h"

TEST_CASE("--exec: a user property's variable is MQTT_USER_PROPERTY_ and its name upper-cased, other bytes _")
{
    CHECK(mqtt::user_property_variable("dev-id") == "MQTT_USER_PROPERTY_DEV_ID");
    CHECK(mqtt::user_property_variable("Room2") == "MQTT_USER_PROPERTY_ROOM2");
    CHECK(mqtt::user_property_variable("a b=\xc3\xa9") == "MQTT_USER_PROPERTY_A_B___");
    CHECK(mqtt::user_property_variable("") == "MQTT_USER_PROPERTY_");
}

TEST_CASE("--exec: the command's environment keeps the tool's, less the message variables and MQTT_EXEC*")
{
    const std::vector<std::string> inherited{"PATH=/bin",        "MQTT_TOPIC=stale",         "MQTT_HOST=broker", "MQTT_EXEC=loop",
                                             "MQTT_EXEC_JOBS=4", "MQTT_USER_PROPERTY_OLD=1", "MQTT_QOS=2",       "HOME=/h"};
    mqtt::Message message;
    message.topic = "a/b";
    message.payload = "ignored";
    message.qos = 1;
    message.retain = true;
    CHECK(mqtt::exec_environment(inherited, message) ==
          std::vector<std::string>{"PATH=/bin", "MQTT_HOST=broker", "HOME=/h", "MQTT_TOPIC=a/b", "MQTT_QOS=1", "MQTT_RETAIN=1"});
}

TEST_CASE("--exec: MQTT 5 properties become variables, correlation data in hex, a repeated user property's first value")
{
    test::Properties properties;
    properties.string(MQTT_PROP_RESPONSE_TOPIC, "reply/to")
        .binary(MQTT_PROP_CORRELATION_DATA,
                std::string("\x00\xff"
                            "a",
                            3))
        .string(MQTT_PROP_CONTENT_TYPE, "application/json")
        .user("dev-id", "42")
        .user("DEV_ID", "second")
        .user("unit", "C");
    mqtt::Message message;
    message.topic = "t";
    message.properties = properties.list;
    CHECK(mqtt::exec_environment({}, message) ==
          std::vector<std::string>{"MQTT_TOPIC=t", "MQTT_QOS=0", "MQTT_RETAIN=0", "MQTT_RESPONSE_TOPIC=reply/to",
                                   "MQTT_CORRELATION_DATA=00ff61", "MQTT_CONTENT_TYPE=application/json",
                                   "MQTT_USER_PROPERTY_DEV_ID=42", "MQTT_USER_PROPERTY_UNIT=C"});
}
