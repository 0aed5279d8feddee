#include <doctest/doctest.h>

#include "topic.h"

TEST_CASE("publish topics: no wildcards, not empty, valid UTF-8")
{
    CHECK_FALSE(mqtt::check_publish_topic("home/livingroom/temperature", "-t"));
    CHECK_FALSE(mqtt::check_publish_topic("/", "-t"));
    CHECK_FALSE(mqtt::check_publish_topic("caf\xc3\xa9", "-t"));
    CHECK(mqtt::check_publish_topic("a/+", "-t") == "Invalid publish topic 'a/+', does it contain '+' or '#'?");
    CHECK(mqtt::check_publish_topic("#", "-t") == "Invalid publish topic '#', does it contain '+' or '#'?");
    CHECK(mqtt::check_publish_topic("w/#", "--will-topic") == "Invalid will topic 'w/#', does it contain '+' or '#'?");
    CHECK(mqtt::check_publish_topic("", "-t") == "Invalid topic '', a topic must not be empty.");
    CHECK(mqtt::check_publish_topic("a\xc0\x80", "-t") == "Malformed UTF-8 in -t argument.");
    CHECK(mqtt::check_publish_topic(std::string("a\0b", 3), "-t") == "Malformed UTF-8 in -t argument.");
    CHECK(mqtt::check_publish_topic(std::string(65536, 'a'), "-t") ==
          "Topic too long in -t argument (65536 bytes, at most 65535).");
    CHECK(mqtt::check_filter(std::string(70000, 'a'), "-T") == "Topic too long in -T argument (70000 bytes, at most 65535).");
    CHECK(mqtt::check_publish_topic(std::string(65535, 'a'), "-t") == std::nullopt);
}

TEST_CASE("subscription filters: wildcards only where MQTT allows them")
{
    for (const char* good : {"#", "+", "a/#", "a/+/c", "+/+", "/", "$SYS/#"}) {
        CAPTURE(good);
        CHECK_FALSE(mqtt::check_filter(good, "-t"));
    }
    CHECK(mqtt::check_filter("a/#/c", "-t") == "Invalid subscription topic 'a/#/c', are all '+' and '#' wildcards correct?");
    CHECK(mqtt::check_filter("a+", "-T") == "Invalid filter topic 'a+', are all '+' and '#' wildcards correct?");
    CHECK(mqtt::check_filter("a#", "-U") == "Invalid unsubscribe topic 'a#', are all '+' and '#' wildcards correct?");
    CHECK(mqtt::check_filter("\xff", "-T") == "Malformed UTF-8 in -T argument.");
}

TEST_CASE("topic_matches follows MQTT's matching rules")
{
    CHECK(mqtt::topic_matches("a/#", "a/b/c"));
    CHECK(mqtt::topic_matches("a/#", "a"));
    CHECK(mqtt::topic_matches("a/+/c", "a/b/c"));
    CHECK_FALSE(mqtt::topic_matches("a/+/c", "a/b/d"));
    CHECK_FALSE(mqtt::topic_matches("#", "$SYS/x"));
    CHECK(mqtt::topic_matches("+/x", "/x"));
}
