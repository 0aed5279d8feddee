#include <doctest/doctest.h>

#include <string>

#include "msgpack_decode.h"
#include "decoded_text.h"

using namespace std::string_literals;

namespace {

using Result = test::Decoded;

Result decode(const std::string& bytes)
{
    return test::decoded_text(mqtt::msgpack_to_json, bytes);
}

}  // namespace

TEST_CASE("MessagePack decodes to compact JSON")
{
    const struct {
        std::string msgpack;
        std::string json;
    } cases[] = {
        {"\x00"s, "0"},
        {"\x7f", "127"},
        {"\xff", "-1"},
        {"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", "18446744073709551615"},
        {"\xd3\x80\x00\x00\x00\x00\x00\x00\x00"s, "-9223372036854775808"},
        {"\xca\x41\xac\x00\x00"s, "21.5"},
        {"\xcb\x3f\xf1\x99\x99\x99\x99\x99\x9a", "1.1"},
        {"\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00"s, R"({"$float":"NaN"})"},
        {"\xcb\xff\xf0\x00\x00\x00\x00\x00\x00"s, R"({"$float":"-Infinity"})"},
        {"\xc0", "null"},
        {"\xc2", "false"},
        {"\xc3", "true"},
        {"\xa5hello", R"("hello")"},
        {"\xa2\n\x1b", R"("\n\u001b")"},
        {"\xc4\x03\x01\x02\x03", R"({"$bytes":"AQID"})"},
        {"\xd4\x05\x2a", R"({"$ext":5,"data":"Kg=="})"},
        {"\xd6\xff\x00\x00\x00\x01"s, R"({"$ext":-1,"data":"AAAAAQ=="})"},
        {"\x90", "[]"},
        {"\x93\x01\x92\x02\x03\xc0", "[1,[2,3],null]"},
        {"\x80", "{}"},
        {"\x82\xa1t\xca\x41\xac\x00\x00\xa2id\xa6"
         "dev-17"s,
         R"({"t":21.5,"id":"dev-17"})"},
        {"\x82\x01\xa1x\x02\x03", R"({"$map":[[1,"x"],[2,3]]})"},
        {"\x81\xc3\x01", R"({"$map":[[true,1]]})"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        const Result result = decode(c.msgpack);
        CHECK(result.error == "");
        CHECK(result.json == "before:" + c.json);
    }
}

TEST_CASE("MessagePack that does not decode says why, and leaves the output as it was")
{
    const struct {
        std::string msgpack;
        std::string error;
    } cases[] = {
        {"\x93\x01\x02", "truncated: the data ends inside an object @3"},
        {"\xcd\x01", "truncated: the data ends inside an object @2"},
        // Declared lengths far beyond the payload: nothing is allocated for them.
        {"\xdd\x7f\xff\xff\xff", "truncated: the data ends inside an object @5"},
        {"\xdb\xff\xff\xff\xff", "truncated: the data ends inside an object @5"},
        {"\xc1", "malformed object (an unknown type byte) @0"},
        {"\x01\x02", "1 bytes follow the object @1"},
        {"\x92\x01\xc1", "malformed object (an unknown type byte) @2"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        const Result result = decode(c.msgpack);
        CHECK(result.error == c.error);
        CHECK(result.json == "before:");
    }
}

TEST_CASE("MessagePack nesting is bounded: 1000 levels decode, a million fail at once")
{
    std::string ok(1000, '\x91');
    ok += '\x00';
    const Result deep = decode(ok);
    CHECK(deep.error == "");
    CHECK(deep.json == "before:" + std::string(1000, '[') + "0" + std::string(1000, ']'));
    CHECK(decode(std::string(1000000, '\x91')).error == "nested deeper than 1000 levels");
    CHECK(decode(std::string(1000000, '\x81')).error == "nested deeper than 1000 levels");
}
