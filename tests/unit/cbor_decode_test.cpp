#include <doctest/doctest.h>

#include <string>

#include "cbor_decode.h"
#include "decoded_text.h"

using namespace std::string_literals;

namespace {

using Result = test::Decoded;

Result decode(const std::string& bytes)
{
    return test::decoded_text(mqtt::cbor_to_json, bytes);
}

}  // namespace

TEST_CASE("CBOR decodes to compact JSON, RFC 8949 appendix A's examples")
{
    const struct {
        std::string cbor;
        std::string json;
    } cases[] = {
        {"\x00"s, "0"},
        {"\x17", "23"},
        {"\x19\x03\xe8", "1000"},
        {"\x1b\xff\xff\xff\xff\xff\xff\xff\xff", "18446744073709551615"},
        {"\x1b\x00\x20\x00\x00\x00\x00\x00\x01"s, "9007199254740993"},  // 2^53 + 1, exact
        {"\x20", "-1"},
        {"\x38\x63", "-100"},
        {"\x3b\xff\xff\xff\xff\xff\xff\xff\xff", "-18446744073709551616"},
        {"\xf9\x3c\x00"s, "1.0"},
        {"\xfb\x3f\xf1\x99\x99\x99\x99\x99\x9a", "1.1"},
        {"\xfa\x47\xc3\x50\x00"s, "100000.0"},          // shortest form that reads back the same
        {"\xfa\x3f\x8c\xcc\xcd", "1.100000023841858"},  // float32 1.1: the double it stands for
        {"\xf9\x7c\x00"s, R"({"$float":"Infinity"})"},
        {"\xf9\xfc\x00"s, R"({"$float":"-Infinity"})"},
        {"\xf9\x7e\x00"s, R"({"$float":"NaN"})"},
        {"\xf4", "false"},
        {"\xf5", "true"},
        {"\xf6", "null"},
        {"\xf7", R"({"$undefined":true})"},
        {"\xf0", R"({"$simple":16})"},
        {"\xf8\xff", R"({"$simple":255})"},
        {"\xc0\x74"
         "2013-03-21T20:04:00Z",
         R"({"$tag":0,"value":"2013-03-21T20:04:00Z"})"},
        {"\xd8\x20\x76http://www.example.com", R"({"$tag":32,"value":"http://www.example.com"})"},
        {"\xd2\x82\x01\x02", R"({"$tag":18,"value":[1,2]})"},  // COSE_Sign1: libcbor 0.8 refuses tags 6-20
        {"\xc6\xd4\x00"s, R"({"$tag":6,"value":{"$tag":20,"value":0}})"},
        {"\x44\x01\x02\x03\x04", R"({"$bytes":"AQIDBA=="})"},
        {"\x40", R"({"$bytes":""})"},
        {"\x60", R"("")"},
        {"\x62\"\\", R"("\"\\")"},
        {"\x63\xe6\xb0\xb4", "\"\xe6\xb0\xb4\""},
        {"\x80", "[]"},
        {"\x83\x01\x82\x02\x03\x82\x04\x05", "[1,[2,3],[4,5]]"},
        {"\xa0", "{}"},
        {"\xa2\x61\x61\x01\x61\x62\x82\x02\x03", R"({"a":1,"b":[2,3]})"},
        {"\xa2\x01\x02\x03\x04", R"({"$map":[[1,2],[3,4]]})"},
        {"\x82\xa1\x61\x61\x01\xa1\x01\x02", R"([{"a":1},{"$map":[[1,2]]}])"},
        {"\x5f\x42\x01\x02\x43\x03\x04\x05\xff", R"({"$bytes":"AQIDBAU="})"},
        {"\x7f\x65strea\x64ming\xff", R"("streaming")"},
        {"\x9f\xff", "[]"},
        {"\x9f\x01\x82\x02\x03\x9f\x04\x05\xff\xff", "[1,[2,3],[4,5]]"},
        {"\xbf\x63"
         "Fun\xf5\x63\x41mt\x21\xff",
         R"({"Fun":true,"Amt":-2})"},
        {"\xbf\x7f\x61k\x61y\xff\x01\xff", R"({"ky":1})"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        const Result result = decode(c.cbor);
        CHECK(result.error == "");
        CHECK(result.json == "before:" + c.json);
    }
}

TEST_CASE("CBOR that does not decode says why and where, and leaves the output as it was")
{
    const struct {
        std::string cbor;
        std::string error;
    } cases[] = {
        {"\x83\x01\x02", "truncated: the data ends inside an item @3"},
        {"\x19\x03", "truncated: the item needs 3 bytes, 2 are left @0"},
        // A declared length far beyond the payload: refused before anything is allocated.
        {"\x5b\x7f\xff\xff\xff\xff\xff\xff\xff", "truncated: the item needs 9223372036854775816 bytes, 9 are left @0"},
        {"\x9b\xff\xff\xff\xff\xff\xff\xff\xff\x01", "truncated: the data ends inside an item @10"},
        {"\x01\x02", "1 bytes follow the data item @1"},
        {"\x1c", "malformed item (initial byte 0x1c) @0"},
        {"\xff", "a \"break\" outside an indefinite-length item @0"},
        {"\xbf\x01\xff", "a map ends after a key without its value @2"},
        {"\x5f\x61\x61\xff", "an indefinite-length string holds an item that is not a string of its kind @1"},
        {"\x5f\x01\xff", "an indefinite-length string holds an item that is not a string of its kind @1"},
        {"\xf8\x10", "a simple value in two bytes that fits in one @0"},
        {"", "truncated: the data ends inside an item @0"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        const Result result = decode(c.cbor);
        CHECK(result.error == c.error);
        CHECK(result.json == "before:");
    }
}

TEST_CASE("CBOR nesting is bounded without recursion: 1000 levels decode, 1001 fail")
{
    std::string ok(1000, '\x81');
    ok += '\x00';
    const Result deep = decode(ok);
    CHECK(deep.error == "");
    CHECK(deep.json == "before:" + std::string(1000, '[') + "0" + std::string(1000, ']'));

    std::string too_deep(1001, '\x81');
    too_deep += '\x00';
    CHECK(decode(too_deep).error == "nested deeper than 1000 levels @1000");
    // A million levels (arrays, maps, tags) fail as quickly, with no stack to overflow.
    CHECK(decode(std::string(1000000, '\x81')).error == "nested deeper than 1000 levels @1000");
    CHECK(decode(std::string(1000000, '\xc1')).error == "nested deeper than 1000 levels @1000");
    CHECK(decode(std::string(1000000, '\x9f')).error == "nested deeper than 1000 levels @1000");
}
