#include <doctest/doctest.h>

#include "json.h"
#include "json_value.h"

using namespace std::string_literals;
using Kind = mqtt::JsonValue::Kind;

namespace {

mqtt::JsonValue parsed(const std::string& text)
{
    auto result = mqtt::json_parse(text);
    if (!result) FAIL(text << ": " << result.error().what);
    return result.value();
}

/// "<offset>: <what>" of the error, or "(parsed)".
std::string error_of(const std::string& text)
{
    auto result = mqtt::json_parse(text);
    if (!result) return std::to_string(result.error().offset) + ": " + result.error().what;
    return "(parsed)";
}

}  // namespace

TEST_CASE("json_parse: objects keep their members in order, find() takes the first")
{
    const auto v = parsed(R"( {"a":1,"b":[true,false,null],"a":"x","c":{}} )");
    REQUIRE(v.kind == Kind::object);
    CHECK(v.names == std::vector<std::string>{"a", "b", "a", "c"});
    CHECK(v.find("a")->text == "1");
    CHECK(v.find("b")->values.size() == 3);
    CHECK(v.find("b")->values[0].boolean);
    CHECK(v.find("b")->values[2].kind == Kind::null);
    CHECK(v.find("c")->kind == Kind::object);
    CHECK(v.find("d") == nullptr);
}

TEST_CASE("json_parse: strings decode every escape to UTF-8 bytes")
{
    CHECK(parsed(R"("a\"\\\/\b\f\n\r\t")").text == "a\"\\/\b\f\n\r\t");
    CHECK(parsed(R"("\u0000\u001f\u00e9\u20ac")").text == "\0\x1f\xc3\xa9\xe2\x82\xac"s);
    CHECK(parsed(R"("\ud83d\ude00")").text == "\xf0\x9f\x98\x80");
    CHECK(parsed("\"\xf0\x9f\x98\x80 raw\"").text == "\xf0\x9f\x98\x80 raw");
}

TEST_CASE("json_parse: numbers are kept as written, whole_number() checks the range")
{
    CHECK(parsed("-1.5e+3").text == "-1.5e+3");
    CHECK(parsed("2").whole_number(2) == 2u);
    CHECK(!parsed("3").whole_number(2));
    CHECK(!parsed("1.0").whole_number(2));
    CHECK(!parsed("-1").whole_number(2));
    CHECK(!parsed("\"1\"").whole_number(2));
}

TEST_CASE("json_parse: errors say where and why")
{
    CHECK(error_of("") == "0: a value is missing");
    CHECK(error_of("{\"a\":1") == "6: ',' or '}' is missing");
    CHECK(error_of("{\"a\" 1}") == "5: ':' is missing after a member name");
    CHECK(error_of("{1:2}") == "1: a member name (a string) is missing");
    CHECK(error_of("[1,]") == "3: not a JSON value");
    CHECK(error_of("\"abc") == "4: unterminated string");
    CHECK(error_of("\"a\nb\"") == "2: a control character in a string (it must be escaped)");
    CHECK(error_of("\"\xff\"") == "1: a string that is not valid UTF-8");
    CHECK(error_of(R"("\x")") == "2: invalid escape in a string");
    CHECK(error_of(R"("\u12")") == "5: \\u needs four hex digits");
    CHECK(error_of(R"("\ud83d")") == "7: a high surrogate without a low one");
    CHECK(error_of(R"("\ude00")") == "7: a low surrogate without a high one");
    CHECK(error_of("01") == "1: text after the JSON value");
    CHECK(error_of("1.") == "2: a digit must follow the decimal point");
    CHECK(error_of("tru") == "0: not a JSON value");
    CHECK(error_of(std::string(1001, '[') + std::string(1001, ']')) == "1000: nested too deeply");
}

TEST_CASE("json_parse accepts exactly the texts json_is_valid accepts")
{
    const std::string texts[] = {
        "0",
        "-0.5e+3",
        "1E400",
        R"("\/\u0041\ud834\udd1e")",
        "\"\xc3\xa9\"",
        "true",
        "null",
        "[]",
        "{}",
        " \t\r\n{ \"a\" : [ 1 , { \"b\" : null } ] , \"c\":{}} \n",
        R"({"a":1,"a":2})",
        "",
        " ",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "[1,]",
        "[1 2]",
        R"({"a":1,})",
        "{a:1}",
        R"({"a"})",
        R"("\x")",
        R"("\u12g4")",
        R"("\ud83d")",
        R"(["\ude00x"])",
        R"("\ud83d\u0041")",
        "\"\x01\"",
        "\"\xff\"",
        "{}x",
        "nul",
        "True",
        "\xef\xbb\xbf{}",
        "\x0b{}",
        "1\0"s,
        "[",
        "}",
        std::string(1000, '[') + std::string(1000, ']'),
        std::string(1001, '[') + std::string(1001, ']'),
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        CHECK(mqtt::json_is_valid(text) == mqtt::json_parse(text).ok());
    }
    // A lone surrogate escape is no character (RFC 8259's grammar would take it; cJSON, and so
    // mosquitto_sub's %J, refuses it): not JSON for %J either.
    for (const std::string text : {R"("\ud83d")", R"(["\ude00x"])", R"("\ud83d\u0041")"}) {
        CAPTURE(text);
        CHECK_FALSE(mqtt::json_is_valid(text));
    }
    CHECK(error_of(R"(["\ude00x"])") == "8: a low surrogate without a high one");
    CHECK(error_of(R"("\ud83d\u0041")") == "13: a high surrogate without a low one");
}
