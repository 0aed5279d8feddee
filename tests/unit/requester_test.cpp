#include <doctest/doctest.h>

#include <mqtt_protocol.h>
#include <set>
#include <string>

#include "requester.h"
#include "topic.h"

namespace {

/// A property list built for a test, freed at the end.
struct Properties {
    mosquitto_property* list = nullptr;
    Properties() = default;
    Properties(const Properties&) = delete;
    Properties& operator=(const Properties&) = delete;
    ~Properties() { mosquitto_property_free_all(&list); }
};

}  // namespace

TEST_CASE("correlate: only the request's exact bytes match")
{
    const std::string expected("\x00\x01\xfe\xff", 4);
    CHECK(mqtt::correlate(nullptr, expected) == mqtt::Correlation::missing);

    Properties other_only;
    REQUIRE(mosquitto_property_add_string(&other_only.list, MQTT_PROP_CONTENT_TYPE, "text/plain") == MOSQ_ERR_SUCCESS);
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
        REQUIRE(mosquitto_property_add_string(&properties.list, MQTT_PROP_CONTENT_TYPE, "x") == MOSQ_ERR_SUCCESS);
        REQUIRE(mosquitto_property_add_binary(&properties.list, MQTT_PROP_CORRELATION_DATA, c.data.data(),
                                              static_cast<std::uint16_t>(c.data.size())) == MOSQ_ERR_SUCCESS);
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
    CHECK_FALSE(mqtt::check_publish_topic(topic, "-e"));
    CHECK(mqtt::unique_response_topic() != topic);
}
