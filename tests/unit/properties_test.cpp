#include <doctest/doctest.h>

#include <mqtt_protocol.h>

#include "properties.h"

using mqtt::ParsedProperty;
using mqtt::PropertyCommand;
using mqtt::PropertyType;

namespace {

using Args = std::vector<std::string>;

ParsedProperty good(const Args& args)
{
    auto parsed = mqtt::parse_property(args);
    if (!parsed) FAIL_CHECK("unexpected error: " << parsed.error());
    REQUIRE(parsed.ok());
    return parsed.value();
}

std::string bad(const Args& args)
{
    auto parsed = mqtt::parse_property(args);
    if (parsed.ok()) return "(accepted)";
    return parsed.error();
}

std::string describe(const Args& args)
{
    std::string text = "-D";
    for (const auto& a : args) text += " " + a;
    return text;
}

}  // namespace

TEST_CASE("every error message, in mosquitto's words")
{
    struct Case {
        Args args;
        std::string error;
    };
    const std::string not_enough = "Error: --property argument given but not enough arguments specified.";
    const Case cases[] = {
        {{}, not_enough},
        {{"publish"}, not_enough},
        {{"publish", "content-type"}, not_enough},
        {{"publish", "user-property", "key"}, not_enough},
        {{"publsh", "content-type", "x"}, "Error: Invalid command publsh given in --property argument."},
        {{"pingreq", "user-property", "k", "v"}, "Error: Invalid command pingreq given in --property argument."},
        {{"publish", "content_type", "x"}, "Error: Invalid property name content_type given in --property argument."},
        {{"connect", "content-type", "x"}, "Error: content-type property not allowed for connect in --property argument."},
        {{"Will", "Topic-Alias", "1"}, "Error: Topic-Alias property not allowed for Will in --property argument."},
        {{"publish", "maximum-qos", "1"}, "Error: maximum-qos property not allowed for publish in --property argument."},
        {{"auth", "authentication-method", "m"},
         "Error: authentication-method property not supported for auth in --property argument."},
        {{"puback", "reason-string", "r"}, "Error: reason-string property not supported for puback in --property argument."},
        {{"connack", "receive-maximum", "5"},
         "Error: receive-maximum property not supported for connack in --property argument."},
        {{"publish", "subscription-identifier", "1"},
         "Error: subscription-identifier property not supported for publish in --property argument."},
        {{"publish", "payload-format-indicator", "256"},
         "Error: Property value (256) out of range for property payload-format-indicator."},
        {{"publish", "message-expiry-interval", "-1"},
         "Error: Property value (-1) out of range for property message-expiry-interval."},
        {{"publish", "message-expiry-interval", "abc"},
         "Error: Property value (abc) is not a number for property message-expiry-interval."},
        {{"publish", "correlation-data", std::string(65536, 'x')},
         "Error: Property value too long for property correlation-data."},
        {{"publish", "content-type", std::string(65536, 'x')}, "Error: Property value too long for property content-type."},
        {{"publish", "user-property", std::string(65536, 'k'), "v"},
         "Error: Property value too long for property user-property."},
        {{"publish", "content-type", "a\xff"}, "Error: Malformed UTF-8 in property content-type."},
        {{"publish", "user-property", "k", "\xc3"}, "Error: Malformed UTF-8 in property user-property."},
        {{"publish", "response-topic", "replies/#"}, "Error: Invalid response topic 'replies/#', does it contain '+' or '#'?"},
        {{"will", "response-topic", ""}, "Error: Invalid response topic '', a topic must not be empty."},
    };
    for (const auto& c : cases) {
        CAPTURE(describe(c.args));
        CHECK(bad(c.args) == c.error);
    }
}

TEST_CASE("the checks come in mosquitto's order")
{
    // The command before the property name, the name before the table, the table before
    // the missing user-property value, the missing value before "not supported".
    CHECK(bad({"bogus", "bogus", "x"}) == "Error: Invalid command bogus given in --property argument.");
    CHECK(bad({"bogus", "user-property", "k"}) == "Error: Invalid command bogus given in --property argument.");
    CHECK(bad({"publish", "bogus", "k"}) == "Error: Invalid property name bogus given in --property argument.");
    CHECK(bad({"connect", "topic-alias", "k"}) == "Error: topic-alias property not allowed for connect in --property argument.");
    CHECK(bad({"auth", "user-property", "k"}) == "Error: --property argument given but not enough arguments specified.");
    CHECK(bad({"connack", "content-type", "x"}) ==
          "Error: content-type property not allowed for connack in --property argument.");
    CHECK(bad({"auth", "receive-maximum", "abc"}) ==
          "Error: receive-maximum property not allowed for auth in --property argument.");
}

TEST_CASE("command and property names are not case sensitive, messages repeat them as typed")
{
    const auto p = good({"PUBLISH", "Content-Type", "text/plain"});
    CHECK(p.command == PropertyCommand::publish);
    CHECK(p.property.name == "content-type");
    CHECK(p.property.identifier == MQTT_PROP_CONTENT_TYPE);
    CHECK(good({"Connect", "USER-PROPERTY", "k", "v"}).property.identifier == MQTT_PROP_USER_PROPERTY);
    CHECK(bad({"PUBLISH", "Message-Expiry-Interval", "x"}) ==
          "Error: Property value (x) is not a number for property Message-Expiry-Interval.");
}

TEST_CASE("each type takes its whole range and nothing beyond")
{
    struct Case {
        std::string command;
        std::string name;
        PropertyType type;
        std::string low;      // smallest value accepted
        std::string high;     // largest value accepted
        std::string too_low;  // "" when `low` is 0: "-1" is the case then
        std::string too_high;
    };
    const Case cases[] = {
        {"publish", "payload-format-indicator", PropertyType::byte, "0", "255", "-1", "256"},
        {"publish", "topic-alias", PropertyType::int16, "1", "65535", "0", "65536"},
        {"connect", "topic-alias-maximum", PropertyType::int16, "0", "65535", "-1", "65536"},
        {"publish", "message-expiry-interval", PropertyType::int32, "0", "4294967295", "-1", "4294967296"},
        {"will", "will-delay-interval", PropertyType::int32, "0", "4294967295", "-1", "99999999999999999999999"},
        {"subscribe", "subscription-identifier", PropertyType::varint, "1", "268435455", "0", "268435456"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        const auto low = good({c.command, c.name, c.low});
        CHECK(low.property.type == c.type);
        CHECK(low.property.number == std::stoull(c.low));
        CHECK(good({c.command, c.name, c.high}).property.number == std::stoull(c.high));
        CHECK(bad({c.command, c.name, c.too_low}) ==
              "Error: Property value (" + c.too_low + ") out of range for property " + c.name + ".");
        CHECK(bad({c.command, c.name, c.too_high}) ==
              "Error: Property value (" + c.too_high + ") out of range for property " + c.name + ".");
    }
}

TEST_CASE("numbers are whole decimal numbers (stricter than mosquitto's atol)")
{
    for (const std::string text : {"", " 1", "1 ", "1x", "0x10", "1.5", "-", "+", "1e3", "--1"}) {
        CAPTURE(text);
        CHECK(bad({"publish", "message-expiry-interval", text}) ==
              "Error: Property value (" + text + ") is not a number for property message-expiry-interval.");
    }
    CHECK(good({"publish", "message-expiry-interval", "+60"}).property.number == 60);
    CHECK(good({"publish", "message-expiry-interval", "007"}).property.number == 7);
    CHECK(good({"publish", "message-expiry-interval", "-0"}).property.number == 0);
}

TEST_CASE("libmosquitto's own value rules apply")
{
    // What the library would refuse to send: 0 for these maxima, more than 1 for the flags.
    CHECK(bad({"connect", "receive-maximum", "0"}) == "Error: Property value (0) out of range for property receive-maximum.");
    CHECK(bad({"connect", "maximum-packet-size", "0"}) ==
          "Error: Property value (0) out of range for property maximum-packet-size.");
    CHECK(bad({"connect", "request-problem-information", "2"}) ==
          "Error: Property value (2) out of range for property request-problem-information.");
    CHECK(bad({"connect", "request-response-information", "2"}) ==
          "Error: Property value (2) out of range for property request-response-information.");
    CHECK(good({"connect", "request-response-information", "1"}).property.number == 1);
    CHECK(good({"connect", "maximum-packet-size", "1"}).property.number == 1);
}

TEST_CASE("strings and binary data keep their bytes, the limit is 65535")
{
    const auto string = good({"publish", "content-type", "application/json; charset=utf-8"});
    CHECK(string.property.type == PropertyType::string);
    CHECK(string.property.value == "application/json; charset=utf-8");
    const auto binary = good({"publish", "correlation-data", "\xff\xfe-not-utf8"});
    CHECK(binary.property.type == PropertyType::binary);
    CHECK(binary.property.value == "\xff\xfe-not-utf8");
    CHECK(good({"publish", "correlation-data", std::string(65535, 'x')}).property.value.size() == 65535);
    CHECK(good({"publish", "content-type", std::string(65535, 'x')}).property.value.size() == 65535);
    CHECK(good({"publish", "content-type", ""}).property.value.empty());
    CHECK(good({"connect", "authentication-data", "secret"}).property.type == PropertyType::binary);
    CHECK(good({"will", "response-topic", "replies/node7"}).property.value == "replies/node7");
    CHECK(good({"disconnect", "reason-string", "bye \xc3\xa9"}).property.value == "bye \xc3\xa9");
}

TEST_CASE("user-property takes a key and a value")
{
    const auto p = good({"publish", "user-property", "unit", "°C"});
    CHECK(p.property.type == PropertyType::string_pair);
    CHECK(p.property.key == "unit");
    CHECK(p.property.value == "°C");
    const auto empty = good({"connect", "user-property", "", ""});
    CHECK(empty.property.key.empty());
    CHECK(empty.property.value.empty());
}

TEST_CASE("which command takes which property")
{
    // Every property mosquitto's table allows for a packet the tools send; "-" means not allowed.
    const std::vector<std::string> commands = {"connect", "publish", "subscribe", "unsubscribe", "disconnect", "will"};
    struct Row {
        std::string name;
        std::string value;
        std::string allowed;  // one letter per command above: y allowed, n not allowed, s not supported
    };
    const Row rows[] = {
        {"payload-format-indicator", "1", "nynnny"},
        {"message-expiry-interval", "10", "nynnny"},
        {"content-type", "text/plain", "nynnny"},
        {"response-topic", "r", "nynnny"},
        {"correlation-data", "id", "nynnny"},
        {"subscription-identifier", "5", "nsynnn"},
        {"session-expiry-interval", "10", "ynnnyn"},
        {"authentication-method", "m", "ynnnnn"},
        {"authentication-data", "d", "ynnnnn"},
        {"request-problem-information", "1", "ynnnnn"},
        {"will-delay-interval", "10", "nnnnny"},
        {"request-response-information", "1", "ynnnnn"},
        {"server-reference", "other", "nnnnyn"},
        {"reason-string", "r", "nnnnyy"},
        {"receive-maximum", "10", "ynnnnn"},
        {"topic-alias-maximum", "10", "ynnnnn"},
        {"topic-alias", "1", "nynnnn"},
        {"maximum-packet-size", "1000", "ynnnnn"},
        {"assigned-client-identifier", "x", "nnnnnn"},
        {"server-keep-alive", "10", "nnnnnn"},
        {"response-information", "x", "nnnnnn"},
        {"maximum-qos", "1", "nnnnnn"},
        {"retain-available", "1", "nnnnnn"},
        {"wildcard-subscription-available", "1", "nnnnnn"},
        {"subscription-identifier-available", "1", "nnnnnn"},
        {"shared-subscription-available", "1", "nnnnnn"},
    };
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < commands.size(); ++i) {
            const Args args{commands[i], row.name, row.value};
            CAPTURE(describe(args));
            switch (row.allowed[i]) {
            case 'y': {
                const auto p = good(args);
                CHECK(mqtt::command_name(p.command) == commands[i]);
                CHECK(p.property.name == row.name);
                break;
            }
            case 's':
                CHECK(bad(args) ==
                      "Error: " + row.name + " property not supported for " + commands[i] + " in --property argument.");
                break;
            default:
                CHECK(bad(args) ==
                      "Error: " + row.name + " property not allowed for " + commands[i] + " in --property argument.");
            }
        }
    }
    // user-property is allowed for every packet.
    for (const auto& command : commands) {
        CAPTURE(command);
        CHECK(mqtt::command_name(good({command, "user-property", "k", "v"}).command) == command);
    }
}

TEST_CASE("property_argument_count: three values, four for user-property, fewer at the end")
{
    CHECK(mqtt::property_argument_count(Args{"publish", "content-type", "x", "-t", "t"}) == 3);
    CHECK(mqtt::property_argument_count(Args{"publish", "user-property", "k", "v", "-t"}) == 4);
    CHECK(mqtt::property_argument_count(Args{"publish", "User-Property", "k", "v"}) == 4);
    // Values are never options, even when they look like them.
    CHECK(mqtt::property_argument_count(Args{"publish", "user-property", "-t", "-m", "-x"}) == 4);
    CHECK(mqtt::property_argument_count(Args{"publish", "user-property", "k"}) == 3);
    CHECK(mqtt::property_argument_count(Args{"publish", "content-type"}) == 2);
    CHECK(mqtt::property_argument_count(Args{"publish"}) == 1);
    CHECK(mqtt::property_argument_count(Args{}) == 0);
}

TEST_CASE("find_duplicate: a property other than user-property twice in one packet")
{
    mqtt::PropertyLists lists;
    lists.connect.push_back(good({"connect", "user-property", "a", "1"}).property);
    lists.connect.push_back(good({"connect", "user-property", "a", "2"}).property);
    lists.publish.push_back(good({"publish", "content-type", "a"}).property);
    lists.will.push_back(good({"will", "content-type", "a"}).property);
    CHECK(mqtt::find_duplicate(lists).ok());
    CHECK_FALSE(lists.empty());
    CHECK(lists.find(PropertyCommand::publish, MQTT_PROP_CONTENT_TYPE)->value == "a");
    CHECK(lists.find(PropertyCommand::subscribe, MQTT_PROP_USER_PROPERTY) == nullptr);

    auto twice = lists;
    twice.will.push_back(good({"will", "content-type", "b"}).property);
    CHECK(mqtt::find_duplicate(twice).error() == "Error in Will properties: Duplicate property in property list");
    twice.publish.push_back(good({"publish", "content-type", "b"}).property);
    CHECK(mqtt::find_duplicate(twice).error() == "Error in PUBLISH properties: Duplicate property in property list");
    mqtt::PropertyLists disconnect;
    disconnect.disconnect.push_back(good({"disconnect", "reason-string", "a"}).property);
    disconnect.disconnect.push_back(good({"disconnect", "reason-string", "b"}).property);
    CHECK(mqtt::find_duplicate(disconnect).error() == "Error in DISCONNECT properties: Duplicate property in property list");
    CHECK(mqtt::PropertyLists{}.empty());
}

TEST_CASE("binary values: <name>:hex and <name>:base64 decode the value, a plain name keeps it as text")
{
    const auto hex = good({"publish", "correlation-data:hex", "00ff10"});
    CHECK(hex.property.identifier == MQTT_PROP_CORRELATION_DATA);
    CHECK(hex.property.name == "correlation-data");
    CHECK(hex.property.value == std::string("\x00\xff\x10", 3));
    CHECK(good({"publish", "Correlation-Data:HEX", "00 FF 10"}).property.value == std::string("\x00\xff\x10", 3));
    CHECK(good({"connect", "authentication-data:base64", "AP8Q"}).property.value == std::string("\x00\xff\x10", 3));
    // A value that looks like an encoding keeps meaning its own bytes, as before.
    CHECK(good({"publish", "correlation-data", "hex:00ff"}).property.value == "hex:00ff");
    CHECK(good({"publish", "correlation-data", "00ff"}).property.value == "00ff");
    // user-property: the value (not the key) is encoded; it must still be UTF-8.
    const auto user = good({"publish", "user-property:hex", "k", "c3a9"});
    CHECK(user.property.key == "k");
    CHECK(user.property.value == "\xc3\xa9");
    CHECK(good({"will", "user-property:base64", "key", "YSBi"}).property.value == "a b");
    CHECK(good({"publish", "correlation-data:hex", ""}).property.value == "");
}

TEST_CASE("binary values: bad hex or base64 and other properties are errors naming --property")
{
    CHECK(bad({"publish", "correlation-data:hex", "0a0"}) ==
          "Error: Invalid hex value \"0a0\" for property correlation-data:hex in --property argument.");
    CHECK(bad({"publish", "correlation-data:hex", "zz"}) ==
          "Error: Invalid hex value \"zz\" for property correlation-data:hex in --property argument.");
    CHECK(bad({"publish", "correlation-data:hex", "0g"}) ==
          "Error: Invalid hex value \"0g\" for property correlation-data:hex in --property argument.");
    CHECK(bad({"publish", "correlation-data:HEX", "0x00"}) ==
          "Error: Invalid hex value \"0x00\" for property correlation-data:HEX in --property argument.");
    // base64: padding missing, misplaced or extra, and characters outside the alphabet.
    CHECK(good({"connect", "authentication-data:base64", "AP8="}).property.value == std::string("\x00\xff", 2));
    CHECK(good({"connect", "authentication-data:base64", "AP8Q\nAP8="}).property.value == std::string("\x00\xff\x10\x00\xff", 5));
    for (const std::string value : {"AP8", "A=P8", "AP8Q=", "AP==AP8Q", "AP8*", "AP-_", "7Cg1="}) {
        CAPTURE(value);
        CHECK(bad({"connect", "authentication-data:base64", value}) ==
              "Error: Invalid base64 value \"" + value + "\" for property authentication-data:base64 in --property argument.");
    }
    // A long bad value is cut in the line.
    CHECK(bad({"publish", "correlation-data:hex", std::string(99, 'a')}) ==
          "Error: Invalid hex value \"" + std::string(64, 'a') +
              "\"... (99 bytes) for property correlation-data:hex in --property argument.");
    CHECK(bad({"publish", "user-property:hex", "k", "c3"}) == "Error: Malformed UTF-8 in property user-property:hex.");
    CHECK(bad({"publish", "content-type:hex", "00"}) ==
          "Error: Only correlation-data, authentication-data and user-property values can be given as hex, not "
          "content-type in --property argument.");
    CHECK(bad({"publish", "correlation-data:utf8", "x"}) ==
          "Error: Invalid property name correlation-data:utf8 given in --property argument.");
    CHECK(bad({"publish", "correlation-data:hex", std::string(131072, 'a') + "aa"}) ==
          "Error: Property value too long for property correlation-data:hex.");
    CHECK(mqtt::property_argument_count(Args{"publish", "user-property:base64", "k", "v", "x"}) == 4);
}
