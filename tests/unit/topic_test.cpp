#include <doctest/doctest.h>

#include "topic.h"

TEST_CASE("publish topics: no wildcards, not empty, valid UTF-8")
{
    CHECK(mqtt::check_publish_topic("home/livingroom/temperature", "-t").ok());
    CHECK(mqtt::check_publish_topic("/", "-t").ok());
    CHECK(mqtt::check_publish_topic("caf\xc3\xa9", "-t").ok());
    CHECK(mqtt::check_publish_topic("a/+", "-t").error() == "Invalid publish topic 'a/+', does it contain '+' or '#'?");
    CHECK(mqtt::check_publish_topic("#", "-t").error() == "Invalid publish topic '#', does it contain '+' or '#'?");
    CHECK(mqtt::check_publish_topic("w/#", "--will-topic").error() == "Invalid will topic 'w/#', does it contain '+' or '#'?");
    CHECK(mqtt::check_publish_topic("", "-t").error() == "Invalid topic '', a topic must not be empty.");
    CHECK(mqtt::check_publish_topic("a\xc0\x80", "-t").error() == "Malformed UTF-8 in -t argument.");
    CHECK(mqtt::check_publish_topic(std::string("a\0b", 3), "-t").error() == "Malformed UTF-8 in -t argument.");
    CHECK(mqtt::check_publish_topic(std::string(65536, 'a'), "-t").error() ==
          "Topic too long in -t argument (65536 bytes, at most 65535).");
    CHECK(mqtt::check_filter(std::string(70000, 'a'), "-T").error() ==
          "Topic too long in -T argument (70000 bytes, at most 65535).");
    CHECK(mqtt::check_publish_topic(std::string(65535, 'a'), "-t").ok());
}

TEST_CASE("subscription filters: wildcards only where MQTT allows them")
{
    for (const char* good : {"#", "+", "a/#", "a/+/c", "+/+", "/", "$SYS/#"}) {
        CAPTURE(good);
        CHECK(mqtt::check_filter(good, "-t").ok());
    }
    CHECK(mqtt::check_filter("a/#/c", "-t").error() ==
          "Invalid subscription topic 'a/#/c', are all '+' and '#' wildcards correct?");
    CHECK(mqtt::check_filter("a+", "-T").error() == "Invalid filter topic 'a+', are all '+' and '#' wildcards correct?");
    CHECK(mqtt::check_filter("a#", "-U").error() == "Invalid unsubscribe topic 'a#', are all '+' and '#' wildcards correct?");
    CHECK(mqtt::check_filter("\xff", "-T").error() == "Malformed UTF-8 in -T argument.");
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

TEST_CASE("share groups: not empty, no '/', '+' or '#'")
{
    CHECK(mqtt::check_share_group("workers").ok());
    CHECK(mqtt::check_share_group("$g").ok());
    CHECK(mqtt::check_share_group("").error() == "Invalid share group '', it must not be empty.");
    for (const char* bad : {"a/b", "+", "a#"}) {
        CAPTURE(bad);
        CHECK(mqtt::check_share_group(bad).error() ==
              "Invalid share group '" + std::string(bad) + "', it must not contain '/', '+' or '#'.");
    }
    CHECK(mqtt::is_shared_filter("$share/g/x"));
    CHECK_FALSE(mqtt::is_shared_filter("$shared/g/x"));
}

TEST_CASE("unexpanded_share: /GROUP/rest is what a shell leaves of $share/GROUP/rest")
{
    CHECK(mqtt::unexpanded_share("/g/x") == "$share/g/x");
    CHECK(mqtt::unexpanded_share("/workers/jobs/#") == "$share/workers/jobs/#");
    CHECK(mqtt::unexpanded_share("/g/+") == "$share/g/+");
    for (const char* other : {"g/x", "/x", "/g/", "//x", "/+/x", "/#", "", "/"}) {
        CAPTURE(other);
        CHECK_FALSE(mqtt::unexpanded_share(other));
    }
}
