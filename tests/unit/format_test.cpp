#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <mqtt_protocol.h>

#include "format.h"
#include "options.h"
#include "sink.h"
#include "test_properties.h"

using namespace std::string_literals;

namespace {

/// 2020-05-06T21:48:00.123456789 in the fixed zone the tests use (UTC+1, no DST).
std::timespec fixed_time()
{
    return {1588798080, 123456789};
}

int g_clock_reads = 0;

std::timespec counting_clock()
{
    ++g_clock_reads;
    return {1588798080 + g_clock_reads, 5};
}

/// Compiles `text`, which the test expects to be valid.
mqtt::Format compiled(const std::string& text)
{
    auto result = mqtt::compile_format(text);
    if (!result) FAIL("-F '" << text << "' refused: " << result.error());
    return result.value();
}

/// Parses `text` as the command line does (Options keeps the parsed format).
mqtt::ParsedFormat parsed(const std::string& text)
{
    auto result = mqtt::parse_format(text);
    if (!result) FAIL("-F '" << text << "' refused: " << result.error());
    return result.value();
}

/// The error compile_format gives for `text`, or "(compiled)".
std::string compile_error(const std::string& text)
{
    auto result = mqtt::compile_format(text);
    if (!result) return result.error();
    return "(compiled)";
}

/// The message of upstream's format tests (test/client/02-subscribe-format.py).
mqtt::Message sample(std::string_view payload = "message")
{
    mqtt::Message m;
    m.topic = "02/sub/format/test";
    m.payload = payload;
    return m;
}

struct Rendered {
    std::string out;
    std::optional<std::string> error;
};

Rendered render_with(const mqtt::Options& options, const mqtt::Message& message)
{
    setenv("TZ", "BST-1", 1);
    mqtt::Formatter formatter(options);
    formatter.set_clock(fixed_time);
    Rendered r;
    if (auto done = formatter.render(message, r.out); !done) r.error = done.error();
    return r;
}

/// What -F `format` prints for `message` (newline included), checking nothing went to stderr.
std::string render(const std::string& format, const mqtt::Message& message = sample())
{
    mqtt::Options options;
    options.format = parsed(format);
    const Rendered r = render_with(options, message);
    CHECK_MESSAGE(!r.error, "stderr: " << r.error.value_or(""));
    return r.out;
}

using test::Properties;

/// The properties of upstream's format test, plus a subscription identifier and a topic alias.
void add_upstream_properties(Properties& p)
{
    p.byte(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1)
        .int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 3600)
        .string(MQTT_PROP_CONTENT_TYPE, "plain/text")
        .string(MQTT_PROP_RESPONSE_TOPIC, "/dev/null")
        .user("name1", "value1")
        .user("name2", "value2")
        .user("name3", "value3")
        .user("name4", "value4")
        .varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 56)
        .int16(MQTT_PROP_TOPIC_ALIAS, 3);
}

struct Case {
    std::string format;
    std::string out;  ///< without the final newline
};

void check_all(const std::vector<Case>& cases, const mqtt::Message& message = sample())
{
    for (const auto& c : cases) {
        CAPTURE(c.format);
        CHECK(render(c.format, message) == c.out + "\n");
    }
}

}  // namespace

TEST_CASE("default output: the payload and a newline, nothing for an empty payload")
{
    mqtt::Options o;
    CHECK(render_with(o, sample("22.5")).out == "22.5\n");
    CHECK(render_with(o, sample("")).out == "");
    CHECK(render_with(o, sample("\0\xff\n"s)).out == "\0\xff\n\n"s);
}

TEST_CASE("-v prints the topic first, an empty payload shows as (null)")
{
    mqtt::Options o;
    o.verbose = true;
    mqtt::Message m = sample("22.5");
    m.topic = "home/livingroom/temperature";
    CHECK(render_with(o, m).out == "home/livingroom/temperature 22.5\n");
    CHECK(render_with(o, sample("")).out == "02/sub/format/test (null)\n");
}

TEST_CASE("-N leaves out the newline")
{
    mqtt::Options o;
    o.no_eol = true;
    CHECK(render_with(o, sample("abc")).out == "abc");
    o.verbose = true;
    CHECK(render_with(o, sample("abc")).out == "02/sub/format/test abc");
    CHECK(render_with(o, sample("")).out == "");
}

TEST_CASE("-F: takes precedence over -v, -N leaves out its newline, and an empty payload is printed")
{
    mqtt::Options o;
    o.format = parsed("Received message: %p on topic %t");
    o.verbose = true;
    mqtt::Message m = sample("22.5");
    m.topic = "home/livingroom/temperature";
    CHECK(render_with(o, m).out == "Received message: 22.5 on topic home/livingroom/temperature\n");
    o.no_eol = true;
    CHECK(render_with(o, m).out == "Received message: 22.5 on topic home/livingroom/temperature");
    o.format = parsed("[%p]%l");
    CHECK(render_with(o, sample("")).out == "[]0");
}

TEST_CASE("-F: upstream's format test cases (mosquitto 2.1, MQTT 3.1.1 message without properties)")
{
    check_all({
        {"%%", "%"},
        {"%A", ""},
        {"%C", ""},
        {"%2C", "  "},
        {"%D", ""},
        {"%E", ""},
        {"%F", ""},
        {"%l", "7"},
        {"%02l", "07"},
        {"%2l", " 7"},
        {"%-2l", "7 "},
        {"%m", "0"},
        {"%P", ""},
        {"%p", "message"},
        {"%-12p", "message     "},
        {"%q", "0"},
        {"%R", ""},
        {"%r", "0"},
        {"%S", ""},
        {"%t", "02/sub/format/test"},
        {"%.20t", "02/sub/format/test"},
        {"%-.20t", "02/sub/format/test"},
        {"%20t", "  02/sub/format/test"},
        {"%-20t", "02/sub/format/test  "},
        {"%10.10t", "02/sub/for"},
        {"%20.10t", "          02/sub/for"},
        {"%-20.10t", "02/sub/for          "},
        {"%x", "6d657373616765"},
        {"%.1x", "6 d 6 5 7 3 7 3 6 1 6 7 6 5"},
        {"%.2x", "6d 65 73 73 61 67 65"},
        {"%.2:x", "6d:65:73:73:61:67:65"},
        {"%18x", "    6d657373616765"},
        {"%-18x", "6d657373616765    "},
        {"%X", "6D657373616765"},
        {"\\\\", "\\"},
        {"\\a", "\a"},
        {"\\e", "\x1b"},
        {"\\n", "\n"},
        {"\\r", "\r"},
        {"\\t", "\t"},
        {"\\v", "\v"},
        {"\\0", "\0"s},
        {"@@", "@"},
        {"text", "text"},
    });
}

TEST_CASE("-F: upstream's v5 format test cases, and the reference's v5 example")
{
    Properties p;
    add_upstream_properties(p);
    mqtt::Message m = sample();
    m.properties = p.list;
    check_all(
        {
            {"%C", "plain/text"},
            {"%E", "3600"},
            {"%F", "1"},
            {"%P", "name1:value1 name2:value2 name3:value3 name4:value4"},
            {"%S", "56"},
            {"%R", "/dev/null"},
            {"%A", "3"},
        },
        m);

    Properties q;
    q.user("k", "v")
        .user("k2", "v2")
        .binary(MQTT_PROP_CORRELATION_DATA, "cd")
        .byte(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1)
        .string(MQTT_PROP_RESPONSE_TOPIC, "rt")
        .varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 7);
    m.properties = q.list;
    check_all({{"%P|%C|%D|%E|%F|%R|%S|%A", "k:v k2:v2||cd||1|rt|7|"}}, m);
}

TEST_CASE("-F: the examples the reference observed with mosquitto_sub")
{
    check_all({{"%10p|%-10p|%.2p|%3.1p", "     hello|hello     |hello|hel"}}, sample("hello"));
    check_all({{"%05l|%-5l|%5l", "00003|3    |    3"}}, sample("abc"));
    mqtt::Message m = sample("hello");
    m.qos = 1;
    m.mid = 1;
    check_all({{"%q %r %m %l %%", "1 0 1 5 %"}}, m);
    check_all({{"\\e[1m%p\\e[0m\\t\\0end", "\x1b[1mhello\x1b[0m\t\0end"s}}, sample("hello"));
}

TEST_CASE("-F: flags, widths and precision of the numbers %l %m %q %r")
{
    mqtt::Message m = sample("hello");
    m.qos = 2;
    m.mid = 42;
    m.retain = true;
    check_all(
        {
            {"%m|%5m|%-5m|%05m|%-05m|%.1m", "42|   42|42   |00042|42   |42"},
            {"%1l|%0l|%00l", "5|5|5"},
            {"%q%r|%5q|%05r", "21|2|1"},
            {"%5%|%-5%|%05%", "%|%|%"},
        },
        m);
}

TEST_CASE("-F: %p and %t widths, precision and flags")
{
    check_all(
        {
            {"%08p|%-8p|%3p|%-3p|%.1p|%05.1p", "000hello|hello   |hel|hel|hello|hello"},
            {"%5t|%05t|%.3t|%-6.3t|%.0t|", "   ab|   ab|ab|ab    ||"},
        },
        [] {
            mqtt::Message m = sample("hello");
            m.topic = "ab";
            return m;
        }());
    // A width cuts %p to that many bytes, also in the middle of a character.
    check_all({{"%2p", "\xc3\xa9"}}, sample("\xc3\xa9\xc3\xa9"));
    check_all({{"%p", "a\0b"s}}, sample("a\0b"s));
}

TEST_CASE("-F: %x and %X widths, zero padding, grouping and separators (mosquitto 2.1)")
{
    check_all(
        {
            {"%x|%X", "61620aff|61620AFF"},
            {"%10x|%010x|%-10x|", "  61620aff|0061620aff|61620aff  |"},
            {"%6x|%8x", "61620aff|61620aff"},  // width below the digits: no padding
            {"%2x|%-2x|", "6162|6162|"},       // and a payload longer than the width is cut to width bytes
            {"%.2x|%.4x|%.3x|%.8x|%.0x", "61 62 0a ff|6162 0aff|616 20a ff|61620aff|61620aff"},
            {"%.2-X|%.2:x|%.2.x|%.2@x|%.2 x|%.2\\x",
             "61-62-0A-FF|61:62:0a:ff|61.62.0a.ff|61@62@0a@ff|61 62 0a ff|61\\62\\0a\\ff"},
            {"%012.4x|%12.4x", "0000 6162 0aff|     6162 0aff"},  // padding counts in the groups
            {"%-12.4,x|", "6162,0aff    |"},                      // trailing padding is not grouped
            {"%5.2x", "61 62 0a ff"},
        },
        sample("ab\n\xff"));
    check_all({{"%.2x|%4x|%04.2x|", "|    |00 00|"}}, sample(""));
    check_all({{"%5.2x", "    6 1"}}, sample("a"));
}

TEST_CASE("-F: %f and %d print the payload as a host-order IEEE 754 float or double")
{
    const double e = 2.718281828459045;
    const float half = 0.70710678f;
    const std::string e_bytes(reinterpret_cast<const char*>(&e), sizeof e);
    const std::string half_bytes(reinterpret_cast<const char*>(&half), sizeof half);
    check_all({{"%.3d", "2.718"}, {"%d", "2.718282"}, {"%10.2d|%-10.2d|%010.2d|%.0d", "      2.72|2.72      |0000002.72|3"}},
              sample(e_bytes));
    check_all({{"%.3f", "0.707"}, {"%f", "0.707107"}, {"%8.1f|%-8.1f|%08.1f", "     0.7|0.7     |000000.7"}}, sample(half_bytes));
    // upstream's own test payloads
    check_all({{"%.3d", "2.718"}}, sample("\x58\x39\xB4\xC8\x76\xBE\x05\x40"));
    check_all({{"%.3f", "0.707"}}, sample("\xF4\xFD\x34\x3F"));
    const double minus_infinity = -std::numeric_limits<double>::infinity();
    check_all({{"%d|%6d|%06d", "-inf|  -inf|  -inf"}}, sample(std::string(reinterpret_cast<const char*>(&minus_infinity), 8)));
}

TEST_CASE("-F: %f and %d with a payload of the wrong size: one error line, nothing printed")
{
    mqtt::Options options;
    options.format = parsed("before %f after");
    mqtt::Message m = sample("hello");
    m.topic = "sensors/t";
    Rendered r = render_with(options, m);
    CHECK(r.out == "");
    CHECK(r.error == "Error: Message payload on topic sensors/t is not a float: 5 bytes instead of 4.");
    m.topic = "sensors/\x1b]0;pwned\x07";  // a topic in an error line is escaped
    CHECK(render_with(options, m).error ==
          "Error: Message payload on topic sensors/\\x1b]0;pwned\\x07 is not a float: 5 bytes instead of 4.");

    options.format = parsed("%x %d");
    r = render_with(options, sample("abcd"));
    CHECK(r.out == "");
    CHECK(r.error == "Error: Message payload on topic 02/sub/format/test is not a double: 4 bytes instead of 8.");
    r = render_with(options, sample(""));
    CHECK(r.out == "");
    CHECK(r.error == "Error: Message payload on topic 02/sub/format/test is not a double: 0 bytes instead of 8.");
}

TEST_CASE("-F: MQTT 5 properties with widths and flags, present and absent")
{
    Properties p;
    p.int16(MQTT_PROP_TOPIC_ALIAS, 5)
        .string(MQTT_PROP_CONTENT_TYPE, "text/plain")
        .int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 4294967295U)
        .byte(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 0)
        .string(MQTT_PROP_RESPONSE_TOPIC, "reply/here")
        .varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 268435455)
        .varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 2)
        .binary(MQTT_PROP_CORRELATION_DATA, "id\0\xff"s)
        .user("dup", "1")
        .user("dup", "2")
        .user("", "")
        .user("sp ace", "a:b");
    mqtt::Message m = sample();
    m.properties = p.list;
    check_all(
        {
            {"%A|%4A|%-4A|%04A", "5|   5|5   |0005"},
            {"%C|%12C|%-12C|%.4C|%6.2C|%012C", "text/plain|  text/plain|text/plain  |text|    te|  text/plain"},
            {"%E|%F|%3F|%03F", "4294967295|0|  0|000"},
            {"%R|%12R|%-12R|%.5R", "reply/here|  reply/here|reply/here  |reply"},
            {"%S|%10S", "268435455| 268435455"},
            {"%D|%5D", "id\0\xff|id\0\xff"s},
            {"%P", "dup:1 dup:2 : sp ace:a:b"},
        },
        m);
    check_all({{"%A|%4A|%-4A|%04A|%05C|%3E|%3F|%03S|%5R|%5D|%5P|", "|    |    |0000|00000|   |   |000||||"}});
}

TEST_CASE("-F: %I, %U and @ sequences use one time per message, local time as TZ says")
{
    check_all({
        {"%I", "2020-05-06T21:48:00+0100"},
        {"%26I|%-26I|%.10I", "  2020-05-06T21:48:00+0100|2020-05-06T21:48:00+0100  |2020-05-06"},
        {"%U", "1588798080.123456789"},
        {"@Y-@m-@dT@H:@M:@S@z : %t", "2020-05-06T21:48:00+0100 : 02/sub/format/test"},
        {"@s.@N", "1588798080.123456789"},
        {"@@@N@@", "@123456789@"},
        {"@!", "%!"},  // strftime copies a conversion it does not know
    });
    mqtt::Options options;
    options.format = parsed("%U %I @S.@N %j");
    setenv("TZ", "UTC0", 1);
    mqtt::Formatter formatter(options);
    formatter.set_clock(counting_clock);
    g_clock_reads = 0;
    std::string out;
    CHECK(formatter.render(sample("x"), out).ok());
    CHECK(g_clock_reads == 1);
    CHECK(out ==
          "1588798081.000000005 2020-05-06T20:48:01+0000 01.000000005 "
          R"({"tst":"2020-05-06T20:48:01.000000+0000","topic":"02/sub/format/test","qos":0,"retain":false,)"
          R"("payloadlen":1,"payload":"x"})"
          "\n");
    // No time is taken for a format without time.
    options.format = parsed("%t %p");
    mqtt::Formatter no_time(options);
    no_time.set_clock(counting_clock);
    g_clock_reads = 0;
    CHECK(no_time.render(sample("x"), out).ok());
    CHECK(g_clock_reads == 0);
}

TEST_CASE("-F: %j, mosquitto 2.1's JSON shape with the payload as a string")
{
    check_all({{"%j",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,)"
                R"("retain":false,"payloadlen":7,"payload":"message"})"}});
    mqtt::Message m = sample("hi");
    m.qos = 2;
    m.mid = 17;
    m.retain = true;
    check_all({{"%j",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":2,)"
                R"("retain":true,"payloadlen":2,"mid":17,"payload":"hi"})"}},
              m);
    check_all({{"%j",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,)"
                R"("retain":false,"payloadlen":0,"payload":null})"}},
              sample(""));
}

TEST_CASE("-F: %j gives valid JSON for any payload: NUL and bytes that are not UTF-8 are escaped")
{
    check_all({{"%j",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,)"
                R"("retain":false,"payloadlen":10,"payload":"a\u0000b\u00ff)"
                "\xc3\xa9"
                R"(\"\\\n\u0001"})"}},
              sample("a\0b\xff\xc3\xa9\"\\\n\x01"s));
}

TEST_CASE("-F: %j with MQTT 5 properties: in the order received, user properties as an array")
{
    Properties p;
    p.string(MQTT_PROP_CONTENT_TYPE, "text/plain")
        .user("k", "v")
        .int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 3600)
        .user("k", "v2")
        .binary(MQTT_PROP_CORRELATION_DATA, "c\0\xff"s)
        .byte(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1)
        .string(MQTT_PROP_RESPONSE_TOPIC, "r/t")
        .varint(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, 9)
        .int16(MQTT_PROP_TOPIC_ALIAS, 4);
    mqtt::Message m = sample("{}");
    m.qos = 1;
    m.mid = 3;
    m.properties = p.list;
    const std::string head = R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":1,)"
                             R"("retain":false,"payloadlen":2,"mid":3,"properties":{"content-type":"text/plain",)"
                             R"("user-properties":[{"k":"v"},{"k":"v2"}],"message-expiry-interval":3600,)"
                             R"("correlation-data":"c\u0000\u00ff","payload-format-indicator":1,)"
                             R"("response-topic":"r/t","subscription-identifier":9,"topic-alias":4},)";
    check_all({{"%j", head + R"("payload":"{}"})"}, {"%J", head + R"("payload":{}})"}}, m);
}

TEST_CASE("-F: %J embeds a JSON payload, compact")
{
    check_all({{"%J",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,)"
                R"("retain":false,"payloadlen":49,"payload":{"temperature":27.0,"humidity":[57,"%"]}})"}},
              sample(R"( { "temperature": 27.0, "humidity": [57, "%"] } )"
                     "\n"));
    check_all({{"%J",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,)"
                R"("retain":false,"payloadlen":4,"payload":22.5})"}},
              sample("22.5"));
    check_all({{"%J",
                R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,)"
                R"("retain":false,"payloadlen":0,"payload":null})"}},
              sample(""));
}

TEST_CASE("-F: %J with a payload that is not JSON: stderr says so, the part stays empty")
{
    mqtt::Options options;
    options.format = parsed("%J");
    mqtt::Message m = sample("22.5 degrees");
    m.topic = "home/t";
    Rendered r = render_with(options, m);
    CHECK(r.out == "\n");
    CHECK(r.error == "Error: Message payload is not valid JSON on topic home/t.");
    options.format = parsed("<%J|%J|%p>");
    r = render_with(options, m);
    CHECK(r.out == "<||22.5 degrees>\n");
    CHECK(r.error == "Error: Message payload is not valid JSON on topic home/t.");
    options.no_eol = true;
    options.format = parsed("%J");
    CHECK(render_with(options, sample("{\"a\":1}\0"s)).out == "");
}

TEST_CASE("--pretty colours only on a terminal, without --no-color, with NO_COLOR unset or empty")
{
    CHECK(mqtt::want_colour(false, nullptr, true));
    CHECK(mqtt::want_colour(false, "", true));
    CHECK_FALSE(mqtt::want_colour(false, nullptr, false));
    CHECK_FALSE(mqtt::want_colour(true, nullptr, true));
    CHECK_FALSE(mqtt::want_colour(false, "1", true));
    CHECK_FALSE(mqtt::want_colour(false, "0", true));  // any value, as no-color.org says
}

TEST_CASE("--pretty with colour: %J and the decoded payload coloured, -v's topic and other codes not")
{
    mqtt::Options options;
    options.pretty = true;
    options.colour = true;
    options.format = parsed("%t %J");
    const std::string out = render_with(options, sample(R"({"v":1})")).out;
    CHECK(out.starts_with("02/sub/format/test {\n\t\x1b[1;34m\"tst\"\x1b[0m:\t\x1b[32m\"2020-"));
    CHECK(out.ends_with("\t\x1b[1;34m\"payload\"\x1b[0m:\t{\n\t\t\x1b[1;34m\"v\"\x1b[0m:\t\x1b[36m1\x1b[0m\n\t}\n}\n"));
    // Options::colour without --pretty colours nothing.
    options.pretty = false;
    CHECK(render_with(options, sample(R"({"v":1})")).out.find('\x1b') == std::string::npos);
}

TEST_CASE("--pretty: %j and %J laid out as mosquitto's cJSON_Print does")
{
    Properties p;
    p.string(MQTT_PROP_CONTENT_TYPE, "application/json").user("k", "v").user("k2", "v2");
    mqtt::Options options;
    options.pretty = true;
    options.format = parsed("%J");
    mqtt::Message m = sample(R"({"a":[1,2,{"b":null,"c":[]},[3,[4]]],"d":{}, "e": "x"})");
    m.qos = 1;
    m.mid = 7;
    m.properties = p.list;
    const std::string head = "{\n"
                             "\t\"tst\":\t\"2020-05-06T21:48:00.123456+0100\",\n"
                             "\t\"topic\":\t\"02/sub/format/test\",\n"
                             "\t\"qos\":\t1,\n"
                             "\t\"retain\":\tfalse,\n";
    const std::string properties = "\t\"mid\":\t7,\n"
                                   "\t\"properties\":\t{\n"
                                   "\t\t\"content-type\":\t\"application/json\",\n"
                                   "\t\t\"user-properties\":\t[{\n"
                                   "\t\t\t\t\"k\":\t\"v\"\n"
                                   "\t\t\t}, {\n"
                                   "\t\t\t\t\"k2\":\t\"v2\"\n"
                                   "\t\t\t}]\n"
                                   "\t},\n";
    Rendered r = render_with(options, m);
    CHECK(r.out ==
          head + "\t\"payloadlen\":\t54,\n" + properties +
              "\t\"payload\":\t{\n"
              "\t\t\"a\":\t[1, 2, {\n"
              "\t\t\t\t\"b\":\tnull,\n"
              "\t\t\t\t\"c\":\t[]\n"
              "\t\t\t}, [3, [4]]],\n"
              "\t\t\"d\":\t{\n"
              "\t\t},\n"
              "\t\t\"e\":\t\"x\"\n"
              "\t}\n"
              "}\n");
    options.format = parsed("%j");
    r = render_with(options, m);
    CHECK(r.out ==
          head + "\t\"payloadlen\":\t54,\n" + properties +
              "\t\"payload\":\t\"{\\\"a\\\":[1,2,{\\\"b\\\":null,\\\"c\\\":[]},[3,[4]]],\\\"d\\\":{}, \\\"e\\\": \\\"x\\\"}\"\n"
              "}\n");
    // --pretty changes nothing else.
    options.format = parsed("%t %p");
    CHECK(render_with(options, sample("a")).out == "02/sub/format/test a\n");
}

TEST_CASE("-F is checked when compiled, with upstream's error lines")
{
    const struct {
        std::string format;
        std::string error;
    } cases[] = {
        {"%", "Error: Incomplete format specifier."},
        {"abc%", "Error: Incomplete format specifier."},
        {"%0", "Error: Incomplete format specifier."},
        {"%-", "Error: Incomplete format specifier."},
        {"%1", "Error: Incomplete format specifier."},
        {"%12", "Error: Incomplete format specifier."},
        {"%.", "Error: Incomplete format specifier."},
        {"%.1", "Error: Incomplete format specifier."},
        {"%-5.3", "Error: Incomplete format specifier."},
        {"%.2:", "Error: Incomplete format specifier."},
        {"% ", "Error: Incomplete format specifier."},
        {"@", "Error: Incomplete format specifier."},
        {"%t@", "Error: Incomplete format specifier."},
        {"\\", "Error: Incomplete escape specifier."},
        {"%p\\", "Error: Incomplete escape specifier."},
        {"%y", "Error: Invalid format specifier 'y'."},
        {"%5y", "Error: Invalid format specifier 'y'."},
        {"%-.2:y", "Error: Invalid format specifier 'y'."},
        {"%0-5x", "Error: Invalid format specifier '5'."},
        {"%.2::x", "Error: Invalid format specifier ':'."},
        {"%--.x", "Error: Invalid format specifier '.'."},
        {"%\xc3\xa9", "Error: Invalid format specifier '\xc3\xa9'."},
        {"%\xff", "Error: Invalid format specifier '\xff'."},
        {"%T", "Error: Invalid format specifier 'T'."},
        {"\\x", "Error: Invalid escape specifier 'x'."},
        {"\\E", "Error: Invalid escape specifier 'E'."},
        {"\\\xe2\x82\xac", "Error: Invalid escape specifier '\xe2\x82\xac'."},
        {"%65536t", "Error: Format width or precision larger than 65535."},
        {"%.99999999999999999999x", "Error: Format width or precision larger than 65535."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.format);
        CHECK(compile_error(c.format) == c.error);
    }
    // The first problem is reported.
    CHECK(compile_error("%y\\x") == "Error: Invalid format specifier 'y'.");
    for (const char* valid :
         {"", "%-05l", "%0-x", "%--x", "% x", "%..x", "%65535.65535t", "%%%%", "@@@@", "%@x", "\\\\\\0", "%-.x", "@\xc3\xa9"}) {
        CAPTURE(valid);
        CHECK(compile_error(valid) == "(compiled)");
    }
}

TEST_CASE("-F is compiled into literal runs and conversions")
{
    const mqtt::Format format = compiled("a%%b\\t@@c%-08.2:x%t@Y\\0");
    const auto& parts = format.parts();
    REQUIRE(parts.size() == 5);
    CHECK((parts[0].render == nullptr));
    CHECK(parts[0].literal == "a%b\t@c");
    CHECK(parts[1].spec.conversion == 'x');
    CHECK(parts[1].spec.left);
    CHECK_FALSE(parts[1].spec.zero);
    CHECK(parts[1].spec.width == 8);
    CHECK(parts[1].spec.precision == 2);
    CHECK(parts[1].spec.separator == ':');
    CHECK(parts[2].spec.conversion == 't');
    CHECK(parts[2].spec.precision == -1);
    CHECK(parts[3].spec.conversion == 'Y');
    CHECK(parts[4].literal == "\0"s);
}

TEST_CASE("--json: one compact lossless object per message, -0 ends it with NUL")
{
    mqtt::Options options;
    options.json = true;
    const std::string binary("\x00\xff", 2);
    CHECK(
        render_with(options, sample(binary)).out ==
        R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,"retain":false,"payloadlen":2,"payload_base64":"AP8="})"
        "\n");
    options.null_records = true;
    CHECK(
        render_with(options, sample()).out ==
        R"({"tst":"2020-05-06T21:48:00.123456+0100","topic":"02/sub/format/test","qos":0,"retain":false,"payloadlen":7,"payload":"message"})"s +
            '\0');
}

TEST_CASE("-0 ends plain, -v and -F output with NUL, an empty payload is an empty record")
{
    mqtt::Options options;
    options.null_records = true;
    CHECK(render_with(options, sample("a\nb")).out == "a\nb\0"s);
    CHECK(render_with(options, sample("")).out == "\0"s);
    options.verbose = true;
    CHECK(render_with(options, sample("")).out == "02/sub/format/test (null)\0"s);
    options.format = parsed("%p!");
    CHECK(render_with(options, sample("x")).out == "x!\0"s);
}

TEST_CASE("--encoding: the payload of plain, -v and %p output as hex or base64")
{
    mqtt::Options options;
    options.encoding = mqtt::Encoding::hex;
    CHECK(render_with(options, sample("\x01\xff")).out == "01ff\n");
    options.verbose = true;
    options.encoding = mqtt::Encoding::base64;
    CHECK(render_with(options, sample("\x01\xff")).out == "02/sub/format/test Af8=\n");
    options.format = parsed("%4p|%l");
    CHECK(render_with(options, sample("abcdef")).out == "YWJj|6\n");
}

TEST_CASE("-F: every conversion letter the parser admits has a renderer")
{
    // parse_format() (core) accepts k_format_conversions; Format (output) must render each.
    for (const char letter : mqtt::k_format_conversions) {
        CAPTURE(letter);
        const auto compiled = mqtt::compile_format(std::string("%") + letter);
        REQUIRE(compiled.ok());
        const auto& parts = compiled.value().parts();
        REQUIRE(parts.size() == 1);
        CHECK(parts[0].spec.conversion == letter);
        CHECK(static_cast<bool>(parts[0].render));
    }
}

TEST_CASE("rendering into a sink: long payloads go out piece by piece, byte for byte as rendered in memory")
{
    // 300 001 bytes: runs of valid UTF-8, control bytes, quotes and bytes that are not UTF-8,
    // so that the pieces of the escaped, hex and base64 text end anywhere.
    std::string payload;
    for (std::size_t i = 0; payload.size() < 300001; ++i) {
        payload += i % 7 == 0 ? "\xc3\xa9" : i % 11 == 0 ? "\x01\"\\" : i % 13 == 0 ? "\xff" : "abc";
    }
    payload.resize(300001);
    const std::string utf8(300001, 'u');
    struct Case {
        const char* name;
        mqtt::Options options;
        std::string_view payload;
    };
    std::vector<Case> cases;
    const auto add = [&](const char* name, std::string_view p, auto set) {
        mqtt::Options options;
        set(options);
        cases.push_back({name, options, p});
    };
    add("%p", payload, [](mqtt::Options& o) { o.format = parsed("%t %p|%l"); });
    add("%p base64", payload, [](mqtt::Options& o) {
        o.format = parsed("%p");
        o.encoding = mqtt::Encoding::base64;
    });
    add("%p hex", payload, [](mqtt::Options& o) {
        o.format = parsed("%p");
        o.encoding = mqtt::Encoding::hex;
    });
    add("%20p base64", payload, [](mqtt::Options& o) {
        o.format = parsed("%20p");
        o.encoding = mqtt::Encoding::base64;
    });
    add("%j", payload, [](mqtt::Options& o) { o.format = parsed("%j"); });
    add("%x", payload, [](mqtt::Options& o) { o.format = parsed("%x"); });
    add("%.3:X", payload, [](mqtt::Options& o) { o.format = parsed("%.3:X"); });
    add("%j --pretty", payload, [](mqtt::Options& o) {
        o.format = parsed("%j");
        o.pretty = true;
    });
    add("--json, not UTF-8", payload, [](mqtt::Options& o) { o.json = true; });
    add("--json, UTF-8", utf8, [](mqtt::Options& o) { o.json = true; });
    add("default -v", payload, [](mqtt::Options& o) { o.verbose = true; });
    add("default --encoding hex", payload, [](mqtt::Options& o) { o.encoding = mqtt::Encoding::hex; });
    setenv("TZ", "BST-1", 1);
    for (const auto& c : cases) {
        CAPTURE(c.name);
        mqtt::Formatter formatter(c.options);
        formatter.set_clock(fixed_time);
        const mqtt::Message message = sample(c.payload);
        std::string in_memory;
        CHECK(formatter.render(message, in_memory).ok());

        FILE* file = std::tmpfile();
        REQUIRE(file != nullptr);
        mqtt::Sink sink(fileno(file));
        sink.append("before ");
        CHECK(formatter.render(message, sink).ok());
        // Never more than a piece beyond the sink's capacity held at once.
        CHECK(sink.buffer().capacity() < sink.capacity() + 256 * 1024);
        REQUIRE(sink.flush());
        std::string written(static_cast<std::size_t>(std::ftell(file)), '\0');
        std::rewind(file);
        REQUIRE(std::fread(written.data(), 1, written.size(), file) == written.size());
        std::fclose(file);
        CHECK(written == "before " + in_memory);
    }
}

TEST_CASE("rendering into a sink: %f with a payload of the wrong size prints nothing of the message")
{
    mqtt::Options options;
    options.format = parsed("%p %f");
    mqtt::Formatter formatter(options);
    const std::string payload(100000, 'p');
    FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    mqtt::Sink sink(fileno(file));
    const auto printed = formatter.render(sample(payload), sink);
    REQUIRE_FALSE(printed.ok());
    CHECK(printed.error() == "Error: Message payload on topic 02/sub/format/test is not a float: 100000 bytes instead of 4.");
    REQUIRE(sink.flush());
    CHECK(std::ftell(file) == 0);
    std::fclose(file);
}
