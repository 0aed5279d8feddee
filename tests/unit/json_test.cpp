#include <doctest/doctest.h>

#include <string>

#include "json.h"

using namespace std::string_literals;

namespace {

std::string escaped(const std::string& bytes)
{
    std::string out;
    mqtt::append_json_string(out, bytes);
    return out;
}

}  // namespace

TEST_CASE("append_json_string escapes as cJSON does, and bytes that are not UTF-8 as \\u00xx")
{
    const struct {
        std::string bytes;
        std::string json;
    } cases[] = {
        {"", R"("")"},
        {"hello world", R"("hello world")"},
        {R"(say "hi" \ /)", R"("say \"hi\" \\ /")"},
        {"\b\f\n\r\t", R"("\b\f\n\r\t")"},
        {"\x01\x1f", R"("\u0001\u001f")"},
        {"a\0b"s, R"("a\u0000b")"},
        {"\x7f", "\"\x7f\""},
        // valid UTF-8 is copied: 2, 3 and 4 byte sequences, the largest code point
        {"\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf",
         "\"\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf\""},
        // not UTF-8: each byte as the Latin-1 character of its value
        {"\xff", R"("\u00ff")"},
        {"\x80", R"("\u0080")"},
        {"a\xc3", R"("a\u00c3")"},                              // truncated sequence
        {"\xc3(", R"("\u00c3(")"},                              // bad continuation
        {"\xc0\xaf", R"("\u00c0\u00af")"},                      // overlong '/'
        {"\xe0\x80\xaf", R"("\u00e0\u0080\u00af")"},            // overlong, 3 bytes
        {"\xed\xa0\x80", R"("\u00ed\u00a0\u0080")"},            // UTF-16 surrogate
        {"\xf4\x90\x80\x80", R"("\u00f4\u0090\u0080\u0080")"},  // above U+10FFFF
        {"\xe2\x82", R"("\u00e2\u0082")"},                      // truncated at the end
        {"\xe2\x82\xac\xff\xe2\x82\xac", "\"\xe2\x82\xac\\u00ff\xe2\x82\xac\""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.bytes);
        CHECK(escaped(c.bytes) == c.json);
    }
}

TEST_CASE("append_json_string always gives valid JSON: every byte and every pair of bytes")
{
    for (int a = 0; a < 256; ++a) {
        const std::string one(1, static_cast<char>(a));
        REQUIRE(mqtt::json_is_valid(escaped(one)));
        for (int b = 0; b < 256; ++b) {
            const std::string two{static_cast<char>(a), static_cast<char>(b)};
            const std::string json = escaped(two);
            if (!mqtt::json_is_valid(json)) FAIL("invalid JSON for bytes " << a << " " << b << ": " << json);
        }
    }
}

TEST_CASE("utf8_sequence_length follows the Unicode table of well-formed sequences")
{
    const struct {
        std::string bytes;
        std::size_t length;
    } cases[] = {
        {"a", 1},
        {"\xc2\x80", 2},
        {"\xdf\xbf", 2},
        {"\xc1\xbf", 0},
        {"\xe0\xa0\x80", 3},
        {"\xe0\x9f\xbf", 0},
        {"\xed\x9f\xbf", 3},
        {"\xed\xa0\x80", 0},
        {"\xef\xbf\xbf", 3},
        {"\xf0\x90\x80\x80", 4},
        {"\xf0\x8f\xbf\xbf", 0},
        {"\xf4\x8f\xbf\xbf", 4},
        {"\xf4\x90\x80\x80", 0},
        {"\xf5\x80\x80\x80", 0},
        {"\x80", 0},
        {"\xc2", 0},
        {"\xe2\x82", 0},
    };
    for (const auto& c : cases) {
        CAPTURE(c.bytes);
        CHECK(mqtt::utf8_sequence_length(c.bytes, 0) == c.length);
    }
}

TEST_CASE("json_is_valid accepts exactly one RFC 8259 value")
{
    const std::string valid[] = {
        "0",
        "-0",
        "12",
        "-1.5e10",
        "1E-2",
        "2.50",
        "1e+3",
        R"("x")",
        R"("")",
        R"("\"\\\/\b\f\n\r\t\u00e9\uD834\udd1e")",
        "\"\xc3\xa9\"",
        "true",
        "false",
        "null",
        "[]",
        "{}",
        "[1,[2,[3]]]",
        " \t\r\n{ \"a\" : [ 1 , { \"b\" : null } ] , \"c\":{}} \n",
        R"({"a":1,"a":2})",
    };
    for (const auto& text : valid) {
        CAPTURE(text);
        CHECK(mqtt::json_is_valid(text));
    }
    const std::string invalid[] = {
        "",       " ",       "01",      "1.",          ".5",        "+1",          "1e",           "-",        "--1",
        "0x10",   "1 2",     "[1,]",    "[,1]",        "[1 2]",     R"({"a":1,})", "{a:1}",        R"({"a"})", R"({"a" 1})",
        "{1:2}",  R"("abc)", R"("\x")", R"("\u12g4")", R"("\u12")", "\"\x01\"",    "\"a\nb\"",     "\"\xff\"", "\"\xc3\"",
        "{}x",    "nul",     "True",    "NaN",         "Infinity",  "'a'",         "1\0"s,         "\0"s,      "\xef\xbb\xbf{}",
        "\x0b{}", "[",       "{",       "]",           "}",         "hello",       "22.5 degrees",
    };
    for (const auto& text : invalid) {
        CAPTURE(text);
        CHECK_FALSE(mqtt::json_is_valid(text));
    }
}

TEST_CASE("json_is_valid limits nesting to 1000 levels, as cJSON does")
{
    const auto nested = [](int depth) {
        return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
    };
    CHECK(mqtt::json_is_valid(nested(mqtt::k_json_max_depth)));
    CHECK_FALSE(mqtt::json_is_valid(nested(mqtt::k_json_max_depth + 1)));
    CHECK_FALSE(mqtt::json_is_valid(std::string(100000, '[')));
}

namespace {

/// The object cJSON_Print / cJSON_PrintUnformatted were run on to get the texts below.
std::string sample(bool pretty, bool colour = false)
{
    std::string out;
    mqtt::JsonWriter json(out, pretty, nullptr, colour);
    json.begin_object();
    json.key("topic");
    json.string("a/b");
    json.key("qos");
    json.number(1);
    json.key("retain");
    json.boolean(false);
    json.key("properties");
    json.begin_object();
    json.key("content-type");
    json.string("text/plain");
    json.key("user-properties");
    json.begin_array();
    json.element();
    json.begin_object();
    json.key("k");
    json.string("v");
    json.end_object();
    json.element();
    json.begin_object();
    json.key("k2");
    json.string("v2");
    json.end_object();
    json.end_array();
    json.end_object();
    json.key("empty");
    json.begin_object();
    json.end_object();
    json.key("emptya");
    json.begin_array();
    json.end_array();
    json.key("payload");
    json_copy(R"({"a":[1,2,{"b":null,"c":[]},[3,[4]]],"d":{}, "e": "x"})", json);
    json.end_object();
    return out;
}

}  // namespace

TEST_CASE("JsonWriter: compact output has no whitespace")
{
    CHECK(sample(false) ==
          R"({"topic":"a/b","qos":1,"retain":false,"properties":{"content-type":"text/plain",)"
          R"("user-properties":[{"k":"v"},{"k2":"v2"}]},"empty":{},"emptya":[],)"
          R"("payload":{"a":[1,2,{"b":null,"c":[]},[3,[4]]],"d":{},"e":"x"}})");
}

TEST_CASE("JsonWriter: colours wrap each name and value, never the punctuation, and take nothing else away")
{
    std::string out;
    mqtt::JsonWriter json(out, true, nullptr, true);
    json.begin_object();
    json.key("t");
    json_copy(R"({"a":[1,"x",true,null,false],"b":-2.5e3})", json);
    json.key("n");
    json.number(7);
    json.key("s");
    json.string("q\"\x01");
    json.key("b64");
    json.base64_string("hi");
    json.key("f");
    json.boolean(false);
    json.key("z");
    json.null();
    json.end_object();
    const std::string key = "\x1b[1;34m", str = "\x1b[32m", num = "\x1b[36m", boo = "\x1b[33m", nul = "\x1b[1;30m",
                      end = "\x1b[0m";
    // clang-format off
    CHECK(out ==
          "{\n"
          "\t" + key + "\"t\"" + end + ":\t{\n"
          "\t\t" + key + "\"a\"" + end + ":\t[" + num + "1" + end + ", " + str + "\"x\"" + end + ", " + boo + "true" + end +
              ", " + nul + "null" + end + ", " + boo + "false" + end + "],\n"
          "\t\t" + key + "\"b\"" + end + ":\t" + num + "-2.5e3" + end + "\n"
          "\t},\n"
          "\t" + key + "\"n\"" + end + ":\t" + num + "7" + end + ",\n"
          "\t" + key + "\"s\"" + end + ":\t" + str + "\"q\\\"\\u0001\"" + end + ",\n"
          "\t" + key + "\"b64\"" + end + ":\t" + str + "\"aGk=\"" + end + ",\n"
          "\t" + key + "\"f\"" + end + ":\t" + boo + "false" + end + ",\n"
          "\t" + key + "\"z\"" + end + ":\t" + nul + "null" + end + "\n"
          "}");
    // clang-format on
    // Without its colour sequences, the text is what an uncoloured writer makes.
    const std::string coloured = sample(true, true);
    CHECK(coloured.find("\x1b[1;34m\"topic\"\x1b[0m:\t\x1b[32m\"a/b\"\x1b[0m") != std::string::npos);
    std::string stripped;
    for (std::size_t at = 0; at < coloured.size();) {
        if (coloured[at] == '\x1b') {
            at = coloured.find('m', at) + 1;
        } else {
            stripped.push_back(coloured[at++]);
        }
    }
    CHECK(stripped == sample(true));
}

TEST_CASE("JsonWriter: --pretty lays out as cJSON_Print (tabs, \"key\":<TAB>value, arrays on one line)")
{
    CHECK(sample(true) ==
          "{\n"
          "\t\"topic\":\t\"a/b\",\n"
          "\t\"qos\":\t1,\n"
          "\t\"retain\":\tfalse,\n"
          "\t\"properties\":\t{\n"
          "\t\t\"content-type\":\t\"text/plain\",\n"
          "\t\t\"user-properties\":\t[{\n"
          "\t\t\t\t\"k\":\t\"v\"\n"
          "\t\t\t}, {\n"
          "\t\t\t\t\"k2\":\t\"v2\"\n"
          "\t\t\t}]\n"
          "\t},\n"
          "\t\"empty\":\t{\n"
          "\t},\n"
          "\t\"emptya\":\t[],\n"
          "\t\"payload\":\t{\n"
          "\t\t\"a\":\t[1, 2, {\n"
          "\t\t\t\t\"b\":\tnull,\n"
          "\t\t\t\t\"c\":\t[]\n"
          "\t\t\t}, [3, [4]]],\n"
          "\t\t\"d\":\t{\n"
          "\t\t},\n"
          "\t\t\"e\":\t\"x\"\n"
          "\t}\n"
          "}");
}

TEST_CASE("json_copy keeps numbers, strings and keys as written")
{
    const std::string text = R"( { "n\u00e9" : [ -0.50e+01 , "\/\u0041" , 1E400 ] } )";
    REQUIRE(mqtt::json_is_valid(text));
    std::string out;
    mqtt::JsonWriter json(out, false);
    mqtt::json_copy(text, json);
    CHECK(out == R"({"n\u00e9":[-0.50e+01,"\/\u0041",1E400]})");
    std::string scalar;
    mqtt::JsonWriter json2(scalar, true);
    mqtt::json_copy(" \"x\" ", json2);
    CHECK(scalar == R"("x")");
}

TEST_CASE("JsonWriter: numbers and keys")
{
    std::string out;
    mqtt::JsonWriter json(out, false);
    json.begin_object();
    json.key("big");
    json.number(18446744073709551615ULL);
    json.key("zero");
    json.number(0);
    json.key("we\"ird\n");
    json.null();
    json.end_object();
    CHECK(out == R"({"big":18446744073709551615,"zero":0,"we\"ird\n":null})");
}
