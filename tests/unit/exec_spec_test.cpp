#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "exec_spec.h"

namespace {

std::vector<std::string> words(std::string_view text)
{
    auto split = mqtt::split_command(text);
    if (!split) FAIL(split.error());
    return split.value();
}

std::string error_of(std::string_view text)
{
    auto parsed = mqtt::parse_exec_rule(text);
    REQUIRE(!parsed.ok());
    return parsed.error();
}

mqtt::ExecRule rule_of(std::string_view text)
{
    auto parsed = mqtt::parse_exec_rule(text);
    if (!parsed) FAIL(parsed.error());
    return parsed.value();
}

}  // namespace

TEST_CASE("--exec splits its command into words as a shell would, without expanding anything")
{
    using V = std::vector<std::string>;
    CHECK(words("logger -t mqtt") == V{"logger", "-t", "mqtt"});
    CHECK(words("  a \t b\n") == V{"a", "b"});
    CHECK(words("sh -c 'echo $MQTT_TOPIC | wc -c'") == V{"sh", "-c", "echo $MQTT_TOPIC | wc -c"});
    CHECK(words(R"(printf "a \"b\" \\ \$x" c)") == V{"printf", R"(a "b" \ \$x)", "c"});
    CHECK(words(R"(a\ b c\'d)") == V{"a b", "c'd"});
    CHECK(words("x '' \"\"") == V{"x", "", ""});
    CHECK(words("pre'fix'\"ed\" *") == V{"prefixed", "*"});
}

TEST_CASE("--exec refuses an empty command and unbalanced quotes, with one line")
{
    CHECK(error_of("") == "Error: --exec command \"\" is empty.");
    CHECK(error_of("   ") == "Error: --exec command \"   \" is empty.");
    CHECK(error_of("a/b=") == "Error: --exec command \"\" is empty.");
    CHECK(error_of("echo 'x") == "Error: --exec command \"echo 'x\" has an unterminated single quote.");
    CHECK(error_of("echo \"x") == "Error: --exec command \"echo \"x\" has an unterminated double quote.");
    CHECK(error_of("echo x\\") == "Error: --exec command \"echo x\\\" ends with a backslash.");
    CHECK(error_of("a/#/b=echo") == "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?");
}

TEST_CASE("--exec FILTER=CMD: a rule when the part before the first = has no blank, quote or backslash")
{
    const struct {
        const char* text;
        const char* filter;
        const char* program;
        const char* command;
    } cases[] = {
        {"logger", "#", "logger", "logger"},
        {"dev/+/state=logger -t x", "dev/+/state", "logger", "logger -t x"},
        {"#=env A=b", "#", "env", "env A=b"},
        {"grep -e a=b", "#", "grep", "grep -e a=b"},
        {"sh -c 'x=1'", "#", "sh", "sh -c 'x=1'"},
        {"'a=b' c", "#", "a=b", "'a=b' c"},
        {"a=b=c", "a", "b=c", "b=c"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto rule = rule_of(c.text);
        CHECK(rule.filter == c.filter);
        CHECK(rule.argv.front() == c.program);
        CHECK(rule.text == c.command);
    }
}

TEST_CASE("--exec rules: the first whose filter matches the topic, none when none matches")
{
    const std::vector<mqtt::ExecRule> rules{rule_of("dev/+/alarm=alarm"), rule_of("dev/#=log"), rule_of("x/y=other")};
    REQUIRE(mqtt::find_exec_rule(rules, "dev/a/alarm") != nullptr);
    CHECK(mqtt::find_exec_rule(rules, "dev/a/alarm")->text == "alarm");
    CHECK(mqtt::find_exec_rule(rules, "dev/a/state")->text == "log");
    CHECK(mqtt::find_exec_rule(rules, "dev")->text == "log");
    CHECK(mqtt::find_exec_rule(rules, "x/y")->text == "other");
    CHECK(mqtt::find_exec_rule(rules, "x/z") == nullptr);
    CHECK(mqtt::find_exec_rule(rules, "$SYS/x") == nullptr);
}
