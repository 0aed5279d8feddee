// --where's jq expressions: compiled once (errors are usage errors with jq's message), run
// on a message's JSON with $topic, $qos, $retain and $properties bound.
#include <doctest/doctest.h>

#include <mqtt_protocol.h>

#include "error.h"
#include "payload_decoder.h"
#include "test_properties.h"
#include "where_filter.h"

using mqtt::WhereFilter;
using Verdict = mqtt::WhereFilter::Verdict;

namespace {

/// The usage error's text for `expression`, or "" when it compiles.
std::string compile_error(const std::string& expression)
{
    try {
        WhereFilter filter(expression);
    } catch (const mqtt::UsageError& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("WhereFilter: the first output decides, by jq's truth (false and null do not pass)")
{
    WhereFilter filter(".temp > 30");
    CHECK(filter.judge(R"({"temp":31})", {}) == Verdict::passes);
    CHECK(filter.judge(R"({"temp":30})", {}) == Verdict::fails);
    CHECK(filter.judge(R"({"humidity":80})", {}) == Verdict::fails);  // null > 30 is false

    WhereFilter value(".v");
    CHECK(value.judge(R"({"v":0})", {}) == Verdict::passes);  // 0 and "" are true in jq
    CHECK(value.judge(R"({"v":""})", {}) == Verdict::passes);
    CHECK(value.judge(R"({"v":[]})", {}) == Verdict::passes);
    CHECK(value.judge(R"({"v":false})", {}) == Verdict::fails);
    CHECK(value.judge(R"({"v":null})", {}) == Verdict::fails);
    CHECK(value.judge("{}", {}) == Verdict::fails);

    WhereFilter first(".[]");
    CHECK(first.judge("[true,false]", {}) == Verdict::passes);
    CHECK(first.judge("[false,true]", {}) == Verdict::fails);
    CHECK(first.judge("[]", {}) == Verdict::fails);  // no output at all
    WhereFilter select("select(.ok)");
    CHECK(select.judge(R"({"ok":false})", {}) == Verdict::fails);
}

TEST_CASE("WhereFilter: $topic, $qos and $retain are the message's")
{
    WhereFilter filter(R"($topic == "dev/1/state" and $qos == 1 and ($retain | not))");
    CHECK(filter.judge("1", {"dev/1/state", 1, false, nullptr}) == Verdict::passes);
    CHECK(filter.judge("1", {"dev/2/state", 1, false, nullptr}) == Verdict::fails);
    CHECK(filter.judge("1", {"dev/1/state", 0, false, nullptr}) == Verdict::fails);
    CHECK(filter.judge("1", {"dev/1/state", 1, true, nullptr}) == Verdict::fails);

    // The usual jq forms around them keep their meaning: definitions, `,` and `as`.
    WhereFilter defs(R"(def hot: .t > 30; ($topic | startswith("a/")) and hot)");
    CHECK(defs.judge(R"({"t":40})", {"a/x", 0, false, nullptr}) == Verdict::passes);
    CHECK(defs.judge(R"({"t":40})", {"b/x", 0, false, nullptr}) == Verdict::fails);
    WhereFilter comma("false, true");
    CHECK(comma.judge("1", {}) == Verdict::fails);
    WhereFilter comment(".a # a comment");
    CHECK(comment.judge(R"({"a":1})", {}) == Verdict::passes);
}

TEST_CASE("WhereFilter: $properties is the object --json prints, {} without properties")
{
    test::Properties properties;
    properties.string(MQTT_PROP_CONTENT_TYPE, "application/json")
        .user("site", "north")
        .binary(MQTT_PROP_CORRELATION_DATA, std::string("\xff\x01", 2));
    WhereFilter filter(
        R"($properties["content-type"] == "application/json" and $properties["user-properties"][0].site == "north" and $properties["correlation-data_base64"] == "/wE=")");
    CHECK(filter.judge("{}", {"t", 0, false, properties.list}) == Verdict::passes);
    CHECK(filter.judge("{}", {"t", 0, false, nullptr}) == Verdict::fails);
    WhereFilter empty("$properties == {}");
    CHECK(empty.judge("{}", {"t", 0, false, nullptr}) == Verdict::passes);
}

TEST_CASE("WhereFilter: a payload that is not one JSON value is not_json, with jq's reason without the payload")
{
    WhereFilter filter(".");
    CHECK(filter.judge("hello", {}) == Verdict::not_json);
    CHECK(filter.reason() == "not a JSON value at byte 0");
    CHECK(filter.judge("", {}) == Verdict::not_json);
    CHECK(filter.judge("1 2", {}) == Verdict::not_json);
    CHECK(filter.judge("{\"a\":", {}) == Verdict::not_json);
    // Deep nesting stops at jq's parser limit, not the stack.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(filter.judge(deep, {}) == Verdict::not_json);
    CHECK(filter.reason() == "nested too deeply at byte 1000");
    CHECK(filter.judge("\"a\\u0000b\"", {}) == Verdict::passes);
}

TEST_CASE("WhereFilter: the payload's value reaches jq whole: nesting, escapes, numbers, duplicate names")
{
    WhereFilter filter(R"(. == {"a":[1,2.5,-3e2,{"b":null}],"s":"x\ny\u00e9\ud83d\ude00","t":true,"f":false,"d":2})");
    CHECK(filter.judge(R"( {"a":[1,2.5,-3e2,{"b":null}],"s":"x\ny\u00e9\ud83d\ude00","t":true,"f":false,"d":1,"d":2} )", {}) ==
          Verdict::passes);
    WhereFilter huge(". == 1e999");
    CHECK(huge.judge("1e999", {}) == Verdict::passes);  // out of range: as jq reads it
    CHECK(huge.judge("-1e999", {}) == Verdict::fails);
    WhereFilter tiny(". == 0");
    CHECK(tiny.judge("1e-999", {}) == Verdict::passes);
    WhereFilter strings(R"(.[0] == "é" and .[1] == "" and .[2] == "a\u0000b")");
    CHECK(strings.judge(R"(["\u00e9","","a\u0000b"])", {}) == Verdict::passes);
    // The grammar of --decode json: strict UTF-8, no trailing commas, no bare words.
    CHECK(strings.judge("[\"\xff\"]", {}) == Verdict::not_json);
    CHECK(strings.judge("[1,]", {}) == Verdict::not_json);
    CHECK(strings.judge("nan", {}) == Verdict::not_json);
}

TEST_CASE("WhereFilter: an error of the expression is a verdict of its own with jq's message, escaped")
{
    WhereFilter filter(".a.b > 1");
    CHECK(filter.judge(R"({"a":"text"})", {}) == Verdict::error);
    CHECK(filter.reason() == R"(Cannot index string with string "b")");
    CHECK(filter.judge(R"({"a":{"b":2}})", {}) == Verdict::passes);  // the state is reset per message

    WhereFilter raised(R"(error("bad\u001b[2Jline\nnext"))");
    CHECK(raised.judge("1", {}) == Verdict::error);
    CHECK(raised.reason() == "bad\\x1b[2Jline");
    WhereFilter object("error({a:1})");
    CHECK(object.judge("1", {}) == Verdict::error);
    CHECK(object.reason() == R"({"a":1})");
    WhereFilter long_message(R"(error("x" * 1000))");
    CHECK(long_message.judge("1", {}) == Verdict::error);
    CHECK(long_message.reason() == std::string(200, 'x') + "...");
    WhereFilter halted("halt_error");
    CHECK(halted.judge("1", {}) == Verdict::fails);
}

TEST_CASE("WhereFilter: an expression that does not compile is a usage error with jq's first message on one line")
{
    CHECK(compile_error(".a |") ==
          "Error: Invalid --where expression: syntax error, unexpected $end (Unix shell quoting issues?) at <top-level>, "
          "line 1.");
    CHECK(compile_error("$nope") == "Error: Invalid --where expression: $nope is not defined at <top-level>, line 1.");
    CHECK(compile_error("$a + $b") ==
          "Error: Invalid --where expression: $a is not defined at <top-level>, line 1 (and 1 more error).");
    CHECK(compile_error("nosuchfn(1)") == "Error: Invalid --where expression: nosuchfn/1 is not defined at <top-level>, line 1.");
    CHECK(compile_error("\"\x1b]0;title\x07\" | ") ==
          "Error: Invalid --where expression: syntax error, unexpected $end (Unix shell quoting issues?) at <top-level>, "
          "line 1.");
    CHECK(compile_error(std::string(".a\0.b", 5)) == "Error: Invalid --where expression: it holds a NUL byte.");
    CHECK(compile_error(".temp > 30 and $topic != \"x\"").empty());
}

TEST_CASE("WhereFilter: a message's decoded value is judged when --decode made one, else its payload")
{
    WhereFilter filter(".n == 1");
    mqtt::Message message;
    message.topic = "t";
    message.payload = "\xa1\x61n\x01";  // CBOR {"n":1}
    CHECK(filter.judge(message) == Verdict::not_json);
    mqtt::Decoded decoded;
    decoded.kind = mqtt::Decoded::Kind::json;
    decoded.value = R"({"n":1})";
    message.decoded = &decoded;
    CHECK(filter.judge(message) == Verdict::passes);
    decoded.kind = mqtt::Decoded::Kind::failed;  // no value: the payload is what there is
    CHECK(filter.judge(message) == Verdict::not_json);
}

TEST_CASE("where_failure_text names the topic, escaped")
{
    CHECK(mqtt::where_failure_text("a/\x1b", Verdict::not_json, "Invalid literal") ==
          "Message payload on topic a/\\x1b is not JSON for --where: Invalid literal");
    CHECK(mqtt::where_failure_text("a", Verdict::error, "Cannot index string with \"b\"") ==
          "--where failed on the message on topic a: Cannot index string with \"b\"");
}
