#include <doctest/doctest.h>

#include <string>

#include "decoded_text.h"
#include "protobuf_nested.h"
#include "protobuf_raw.h"

using namespace std::string_literals;

namespace {

using Result = test::Decoded;

Result decode(const std::string& bytes)
{
    return test::decoded_text(mqtt::protobuf_raw_to_json, bytes);
}

}  // namespace

TEST_CASE("Protobuf without a schema decodes as protoc --decode_raw reads it, into compact JSON")
{
    const struct {
        std::string protobuf;
        std::string json;
    } cases[] = {
        {"\x08\x96\x01", R"({"1":150})"},
        {"\x08\x00"s, R"({"1":0})"},
        {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", R"({"1":18446744073709551615})"},
        {"\x12\x07testing", R"({"2":"testing"})"},
        {"\x12\x00"s, R"({"2":""})"},
        {"\x12\x02\xff\xfe", R"({"2":{"$bytes":"//4="}})"},
        {"\x12\x02\n\x1b", R"({"2":"\n\u001b"})"},
        {"\x1a\x03\x08\x96\x01", R"({"3":{"1":150}})"},
        {"\x1a\x05\x12\x03\x08\x96\x01", R"({"3":{"2":{"1":150}}})"},
        {"\x08\x01\x10\x02\x08\x03", R"({"1":[1,3],"2":2})"},
        {"\x10\x01\x08\x02\x10\x03\x10\x04", R"({"2":[1,3,4],"1":2})"},
        {"\x08\x01\x08\x02\x10\x03\x18\x04\x18\x05", R"({"1":[1,2],"2":3,"3":[4,5]})"},
        {"\x10\x01\x08\x02", R"({"2":1,"1":2})"},
        {"\x0d\x00\x00\x80\x3f"s, R"({"1":{"$fixed32":1065353216}})"},
        {"\x09\x01\x00\x00\x00\x00\x00\x00\x80"s, R"({"1":{"$fixed64":9223372036854775809}})"},
        {"\x0b\x10\x05\x0c", R"({"1":{"$group":{"2":5}}})"},
        {"\x0b\x0c", R"({"1":{"$group":{}}})"},
        {"\x0b\x13\x18\x01\x14\x0c\x08\x07", R"({"1":[{"$group":{"2":{"$group":{"3":1}}}},7]})"},
        {"\xf8\xff\xff\xff\x0f\x01", R"({"536870911":1})"},
        {"\x22\x03\x01\x02\x03", R"({"4":"\u0001\u0002\u0003"})"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        const Result result = decode(c.protobuf);
        CHECK(result.error == "");
        CHECK(result.json == "before:" + c.json);
    }
}

TEST_CASE("Protobuf that does not decode says why and where, and leaves the output as it was")
{
    const struct {
        std::string protobuf;
        std::string error;
    } cases[] = {
        {"\x08", "truncated: the data ends inside a varint @1"},
        {"\x08\x80", "truncated: the data ends inside a varint @1"},
        {"\x88", "truncated: the data ends inside a tag @0"},
        {"\x08\x01\x12\x05"
         "ab",
         "truncated: field 2 declares 5 bytes, 2 are left @2"},
        {"\x12\xff\xff\xff\xff\xff\xff\xff\xff\x7f", "truncated: field 2 declares 9223372036854775807 bytes, 0 are left @0"},
        {"\x12\x80", "truncated: the data ends inside a length @1"},
        {"\x0d\x00\x00"s, "truncated: field 1 needs 4 bytes, 2 are left @0"},
        {"\x09\x00"s, "truncated: field 1 needs 8 bytes, 1 are left @0"},
        {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", "a varint beyond 64 bits @1"},
        {"\x80\x80\x80\x80\x10", "a tag beyond 32 bits @0"},
        {"\x00"s, "field number 0 @0"},
        {"\x0e", "field 1 has the unknown wire type 6 @0"},
        {"\x08\x01\x0f", "field 1 has the unknown wire type 7 @2"},
        {"\x0c", "an end-group tag (field 1) outside a group @0"},
        {"\x0b\x14", "an end-group tag for field 2 in group 1 @1"},
        {"\x0b\x08\x01", "truncated: group 1 has no end-group tag @0"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        const Result result = decode(c.protobuf);
        CHECK(result.error == c.error);
        CHECK(result.json == "before:");
    }
}

TEST_CASE("Protobuf nesting is bounded - groups refused beyond 100 levels, messages shown as strings")
{
    // The top message and 99 groups: 100 levels.
    const std::string groups_99 = std::string(99, '\x0b') + std::string(99, '\x0c');
    const Result fits = decode(groups_99);
    CHECK(fits.error == "");
    std::string expected;
    for (int i = 0; i < 99; ++i) expected += R"({"1":{"$group":)";
    expected += "{}";
    for (int i = 0; i < 99; ++i) expected += "}}";
    CHECK(fits.json == "before:" + expected);

    const Result deep = decode(std::string(100, '\x0b') + std::string(100, '\x0c'));
    CHECK(deep.error == "messages and groups nested deeper than 100 levels @99");
    CHECK(deep.json == "before:");

    // 150 messages, each in field 1 of the next: the 101st level is shown as protoc shows it,
    // as a string (its bytes happen to be UTF-8).
    const Result nested = decode(test::protobuf_nested("\x08\x01", 150));
    CHECK(nested.error == "");
    const std::string inner = test::protobuf_nested("\x08\x01", 50);
    std::string json;
    for (int i = 0; i < 100; ++i) json += R"({"1":)";
    std::string escaped;
    mqtt::JsonWriter(escaped, false).string(inner);
    json += escaped;
    for (int i = 0; i < 100; ++i) json += "}";
    CHECK(nested.json == "before:" + json);
}

TEST_CASE("Protobuf: a field repeated many times costs time in proportion")
{
    std::string many;
    for (int i = 0; i < 200000; ++i) many += "\x08\x01";
    const Result result = decode(many);
    CHECK(result.error == "");
    CHECK(result.json.size() == std::string("before:{\"1\":[]}").size() + 200000 * 2 - 1);
}
