#include <doctest/doctest.h>

#include "message_filter.h"
#include "options.h"

TEST_CASE("check_regex accepts RE2 expressions and names the bad ones")
{
    CHECK(mqtt::check_regex("^temp=[0-9]+(\\.[0-9]+)?$", "--grep").ok());
    CHECK(mqtt::check_regex("", "--grep").ok());
    const auto checked = mqtt::check_regex("(unclosed", "--grep");
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().rfind("Invalid --grep expression '(unclosed': ", 0) == 0);
    CHECK(mqtt::check_regex("[", "--grep-topic").error().rfind("Invalid --grep-topic expression '[': ", 0) == 0);
}

TEST_CASE("MessageFilter: -T drops topics, --grep and --grep-topic keep matches (search, not full match)")
{
    mqtt::Options o;
    CHECK(mqtt::MessageFilter(o).keeps("any/topic", "anything"));

    o.filter_out = {"a/#"};
    o.grep = "ok|ready";
    o.grep_topic = "^(a|b)/";
    const mqtt::MessageFilter filter(o);
    CHECK(filter.keeps("b/1", "status: ready"));
    CHECK_FALSE(filter.keeps("a/1", "ok"));                  // -T wins
    CHECK_FALSE(filter.keeps("c/1", "ok"));                  // topic does not match
    CHECK_FALSE(filter.keeps("b/1", "failed"));              // payload does not match
    CHECK(filter.keeps("b/2", std::string("\0ok\xff", 4)));  // binary payloads are searched as bytes
}

TEST_CASE("MessageFilter: --grep-ignore-case applies to --grep and --grep-topic")
{
    mqtt::Options o;
    o.grep = "^ALARM";
    o.grep_topic = "Kitchen";
    CHECK_FALSE(mqtt::MessageFilter(o).keeps("home/kitchen", "alarm: smoke"));
    o.grep_ignore_case = true;
    const mqtt::MessageFilter filter(o);
    CHECK(filter.keeps("home/kitchen", "alarm: smoke"));
    CHECK_FALSE(filter.keeps("home/hall", "alarm: smoke"));
    CHECK_FALSE(filter.keeps("home/kitchen", "no alarm"));
}
