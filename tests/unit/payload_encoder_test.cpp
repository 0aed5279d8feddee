#include <doctest/doctest.h>

#include <string>

#include "cbor_decode.h"
#include "decode_spec.h"
#include "decompress.h"
#include "msgpack_decode.h"
#include "payload_encoder.h"

using namespace std::string_literals;

namespace {

mqtt::PayloadEncoder encoder(const std::string& chain)
{
    auto parsed = mqtt::parse_encode_chain(chain);
    REQUIRE(parsed.ok());
    return mqtt::PayloadEncoder(*parsed);
}

/// The bytes `json` encodes to with `chain`, or "error: <why>".
std::string encoded(const std::string& chain, const std::string& json)
{
    auto e = encoder(chain);
    auto result = e.encode(json);
    if (!result) return "error: " + result.error();
    return std::string(*result);
}

std::string cbor_json(const std::string& bytes)
{
    std::string out;
    if (auto status = mqtt::cbor_to_json(bytes, out); !status) return "error: " + status.error().reason;
    return out;
}

std::string msgpack_json(const std::string& bytes)
{
    std::string out;
    if (auto status = mqtt::msgpack_to_json(bytes, out); !status) return "error: " + status.error().reason;
    return out;
}

}  // namespace

TEST_CASE("--encode cbor writes RFC 8949's preferred serialization, appendix A's examples")
{
    const struct {
        std::string json;
        std::string cbor;
    } cases[] = {
        {"0", "\x00"s},
        {"23", "\x17"},
        {"24", "\x18\x18"},
        {"1000", "\x19\x03\xe8"},
        {"1000000000000", "\x1b\x00\x00\x00\xe8\xd4\xa5\x10\x00"s},
        {"18446744073709551615", "\x1b\xff\xff\xff\xff\xff\xff\xff\xff"},
        {"-1", "\x20"},
        {"-100", "\x38\x63"},
        {"-18446744073709551616", "\x3b\xff\xff\xff\xff\xff\xff\xff\xff"},
        {"0.0", "\xf9\x00\x00"s},
        {"-0.0", "\xf9\x80\x00"s},
        {"1.0", "\xf9\x3c\x00"s},
        {"1.1", "\xfb\x3f\xf1\x99\x99\x99\x99\x99\x9a"},
        {"1.5", "\xf9\x3e\x00"s},
        {"65504.0", "\xf9\x7b\xff"},
        {"100000.0", "\xfa\x47\xc3\x50\x00"s},
        {"3.4028234663852886e+38", "\xfa\x7f\x7f\xff\xff"},
        {"1.0e+300", "\xfb\x7e\x37\xe4\x3c\x88\x00\x75\x9c"s},
        {"-3.5e38", "\xfb\xc7\xf0\x74\xf8\xc4\xd3\xcd\x7b"},  // beyond float's range: a double
        {"5.960464477539063e-8", "\xf9\x00\x01"s},  // the smallest subnormal half
        {"0.00006103515625", "\xf9\x04\x00"s},
        {"-4.0", "\xf9\xc4\x00"s},
        {"-4.1", "\xfb\xc0\x10\x66\x66\x66\x66\x66\x66"},
        {R"({"$float":"Infinity"})", "\xf9\x7c\x00"s},
        {R"({"$float":"NaN"})", "\xf9\x7e\x00"s},
        {R"({"$float":"-Infinity"})", "\xf9\xfc\x00"s},
        {"false", "\xf4"},
        {"true", "\xf5"},
        {"null", "\xf6"},
        {R"({"$undefined":true})", "\xf7"},
        {R"({"$simple":16})", "\xf0"},
        {R"({"$simple":255})", "\xf8\xff"},
        {R"({"$tag":0,"value":"2013-03-21T20:04:00Z"})", "\xc0\x74" "2013-03-21T20:04:00Z"},
        {R"({"$tag":1,"value":1363896240})", "\xc1\x1a\x51\x4b\x67\xb0"},
        {R"({"$bytes":"AQIDBA=="})", "\x44\x01\x02\x03\x04"},
        {R"({"$bytes":""})", "\x40"},
        {R"("")", "\x60"},
        {R"("a")", "\x61\x61"},
        {R"("\"\\")", "\x62\"\\"},
        {"\"\xe6\xb0\xb4\"", "\x63\xe6\xb0\xb4"},
        {"[]", "\x80"},
        {"[1, [2, 3], [4, 5]]", "\x83\x01\x82\x02\x03\x82\x04\x05"},
        {"{}", "\xa0"},
        {R"({"a": 1, "b": [2, 3]})", "\xa2\x61\x61\x01\x61\x62\x82\x02\x03"},
        {R"({"$map":[[1,2],[3,4]]})", "\xa2\x01\x02\x03\x04"},
        {R"(["a", {"b": "c"}])", "\x82\x61\x61\xa1\x61\x62\x61\x63"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        CHECK(encoded("cbor", c.json) == c.cbor);
    }
}

TEST_CASE("--encode cbor gives back the bytes --decode cbor read, wherever they were canonical")
{
    const std::string canonical[] = {
        "\x1b\x00\x20\x00\x00\x00\x00\x00\x01"s,  // 2^53 + 1, exact
        "\xa3\x61\x74\xfb\x40\x35\x80\x00\x00\x00\x00\x01\x63raw\x43\x01\x02\x03\x62" "at\xc1\x1a\x65\x53\xf1\x00"s,
        "\x82\xa1\x61\x61\x01\xa1\x01\x02",           // a map with an integer key: $map
        "\xa1\x66$bytes\x64\x41\x51\x49\x44",          // a map whose key is "$bytes": $map, not bytes
        "\xa2\x61\x61\x01\x62$x\x02",                  // "$x" after the first key: an object
        "\x81\xd8\x20\x76http://www.example.com",
        "\xf8\x20",
        "\xd2\x84\x43\xa1\x01\x26\xa0\x44\x01\x02\x03\x04\x40"s,  // a COSE_Sign1 shape: tag 18
        "\x83\xfa\x3f\x8c\xcc\xcd\xfa\x7f\x7f\xff\xff\xf9\x00\x01"s,  // float32 1.1 and FLT_MAX, a subnormal half
    };
    for (const auto& bytes : canonical) {
        const std::string json = cbor_json(bytes);
        CAPTURE(json);
        REQUIRE(json.find("error") == std::string::npos);
        CHECK(encoded("cbor", json) == bytes);
    }
    CHECK(cbor_json("\xa1\x66$bytes\x64\x41\x51\x49\x44") == R"({"$map":[["$bytes","AQID"]]})");
}

TEST_CASE("--encode msgpack writes the smallest forms, floats as float64")
{
    const struct {
        std::string json;
        std::string msgpack;
    } cases[] = {
        {"0", "\x00"s},
        {"127", "\x7f"},
        {"128", "\xcc\x80"},
        {"300", "\xcd\x01\x2c"},
        {"70000", "\xce\x00\x01\x11\x70"s},
        {"18446744073709551615", "\xcf\xff\xff\xff\xff\xff\xff\xff\xff"},
        {"-1", "\xff"},
        {"-32", "\xe0"},
        {"-33", "\xd0\xdf"},
        {"-129", "\xd1\xff\x7f"},
        {"-9223372036854775808", "\xd3\x80\x00\x00\x00\x00\x00\x00\x00"s},
        {"1.5", "\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00"s},
        {"2.0", "\xcb\x40\x00\x00\x00\x00\x00\x00\x00"s},  // a float stays a float (msgpack-cxx would pack 2)
        {"18446744073709551616.0", "\xcb\x43\xf0\x00\x00\x00\x00\x00\x00"s},
        {R"({"$float":"-Infinity"})", "\xcb\xff\xf0\x00\x00\x00\x00\x00\x00"s},
        {"null", "\xc0"},
        {"false", "\xc2"},
        {"true", "\xc3"},
        {R"("abc")", "\xa3" "abc"},
        {"\"" + std::string(40, 'x') + "\"", "\xd9\x28" + std::string(40, 'x')},
        {R"({"$bytes":"AQID"})", "\xc4\x03\x01\x02\x03"},
        {R"({"$ext":-1,"data":"AAAAAGVT8QA="})", "\xd7\xff\x00\x00\x00\x00\x65\x53\xf1\x00"s},
        {R"({"$ext":5,"data":"AQID"})", "\xc7\x03\x05\x01\x02\x03"},
        {R"([1,[2]])", "\x92\x01\x91\x02"},
        {R"({"id":"p-4","bar":2.25})", "\x82\xa2id\xa3p-4\xa3\x62\x61r\xcb\x40\x02\x00\x00\x00\x00\x00\x00"s},
        {R"({"$map":[[1,"a"],[{"$bytes":"AA=="},null]]})", "\x82\x01\xa1\x61\xc4\x01\x00\xc0"s},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        CHECK(encoded("msgpack", c.json) == c.msgpack);
    }
    // And back.
    for (const auto& c : cases) {
        CAPTURE(c.json);
        CHECK(encoded("msgpack", msgpack_json(c.msgpack)) == c.msgpack);
    }
}

TEST_CASE("--encode json checks the JSON and writes it compact, markers as they are")
{
    CHECK(encoded("json", " { \"a\" : [ 1 , 2.50 ] ,\n \"$bytes\" : \"x\" } ") == R"({"a":[1,2.50],"$bytes":"x"})");
    auto e = encoder("json");
    const auto parsed = mqtt::json_parse(R"({"$tag":1,"value":[true,null,"\u00e9"]})");
    REQUIRE(parsed.ok());
    auto result = e.encode(*parsed);
    REQUIRE(result.ok());
    CHECK(*result == "{\"$tag\":1,\"value\":[true,null,\"\xc3\xa9\"]}");
}

TEST_CASE("--encode: what cannot be encoded says why")
{
    CHECK(encoded("cbor", "{\"a\":") == "error: is not JSON at byte 6: a value is missing");
    CHECK(encoded("cbor", "hello") == "error: is not JSON at byte 1: not a JSON value");
    CHECK(encoded("cbor", "18446744073709551616") ==
          "error: cannot be written as cbor: the integer 18446744073709551616 is beyond what CBOR holds (-2^64 to 2^64-1)");
    CHECK(encoded("cbor", "-18446744073709551617") ==
          "error: cannot be written as cbor: the integer -18446744073709551617 is beyond what CBOR holds (-2^64 to 2^64-1)");
    CHECK(encoded("msgpack", "-9223372036854775809") ==
          "error: cannot be written as msgpack: the integer -9223372036854775809 is beyond what MessagePack holds (-2^63 to "
          "2^64-1)");
    CHECK(encoded("msgpack", R"([{"$tag":1,"value":0}])") ==
          "error: cannot be written as msgpack: a CBOR tag ($tag) has no MessagePack form");
    CHECK(encoded("msgpack", R"({"$undefined":true})") ==
          "error: cannot be written as msgpack: CBOR's undefined ($undefined) has no MessagePack form");
    CHECK(encoded("cbor", R"({"$ext":1,"data":""})") ==
          "error: cannot be written as cbor: a MessagePack extension ($ext) has no CBOR form");
    CHECK(encoded("cbor", R"({"$bytes":"not base64!"})") ==
          "error: cannot be written as cbor: \"$bytes\" must be written {\"$bytes\":\"<base64>\"}");
    CHECK(encoded("cbor", R"({"$bytes":"AA==","more":1})") ==
          "error: cannot be written as cbor: \"$bytes\" must be written {\"$bytes\":\"<base64>\"}");
    CHECK(encoded("cbor", R"({"$simple":24})") ==
          "error: cannot be written as cbor: \"$simple\" must be written {\"$simple\":<0 to 23 or 32 to 255>}");
    CHECK(encoded("cbor", R"({"$map":[[1]]})") ==
          "error: cannot be written as cbor: \"$map\" must be written {\"$map\":[[<key>,<value>],...]}");
    CHECK(encoded("cbor", R"({"$price":1})") ==
          "error: cannot be written as cbor: an object whose first member is \"$price\" is none of the markers ($bytes, $tag, "
          "$undefined, $simple, $float, $ext, $map); a map with such a key is written {\"$map\":[[<key>,<value>],...]}");
}

TEST_CASE("--encode: compressions, last step first, read back by --decode's decompressions")
{
    const std::string json = R"({"level":"info","text":")" + std::string(300, 'z') + "\"}";
    for (const std::string chain : {"gzip+json", "zlib+cbor", "zstd+msgpack", "lz4+cbor", "zstd+gzip+json"}) {
        CAPTURE(chain);
        const std::string bytes = encoded(chain, json);
        REQUIRE(bytes.rfind("error", 0) != 0);
        CHECK(bytes.size() < json.size());
        auto steps = mqtt::parse_encode_chain(chain)->steps;
        std::string data = bytes;
        for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
            std::string out;
            REQUIRE(mqtt::decompress(steps[i], data, out).ok());
            data = out;
        }
        const std::string back = steps.back() == mqtt::DecodeStep::cbor      ? cbor_json(data)
                                 : steps.back() == mqtt::DecodeStep::msgpack ? msgpack_json(data)
                                                                             : data;
        CHECK(back == json);
    }
    // gzip: no name and no time in the header, as gzip -n.
    const std::string gz = encoded("gzip", "hello");
    REQUIRE(gz.size() > 10);
    CHECK(gz.substr(0, 10) == "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"s);
}

TEST_CASE("--encode with compressions alone: any bytes, or a record's string or $bytes")
{
    const std::string binary = "\x00\xff\x01"s;
    std::string out;
    REQUIRE(mqtt::decompress(mqtt::DecodeStep::zstd, encoded("zstd", binary), out).ok());
    CHECK(out == binary);
    auto e = encoder("gzip");
    for (const char* json : {R"("text")", R"({"$bytes":"dGV4dA=="})"}) {
        const auto value = mqtt::json_parse(json);
        REQUIRE(value.ok());
        auto result = e.encode(*value);
        REQUIRE(result.ok());
        REQUIRE(mqtt::decompress(mqtt::DecodeStep::gzip, *result, out).ok());
        CHECK(out == "text");
    }
    const auto number = mqtt::json_parse("5");
    auto refused = e.encode(*number);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error() == "must be a string or {\"$bytes\":\"<base64>\"} to be compressed alone");
}

TEST_CASE("--encode's CODEC: --decode's chains without auto and schemaless protobuf")
{
    const auto chain = mqtt::parse_encode_chain("zstd+gzip+cbor");
    REQUIRE(chain.ok());
    CHECK(chain->steps ==
          std::vector<mqtt::DecodeStep>{mqtt::DecodeStep::zstd, mqtt::DecodeStep::gzip, mqtt::DecodeStep::cbor});
    CHECK(mqtt::parse_encode_chain("auto").error() ==
          "Error: --encode: unknown codec \"auto\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, "
          "protobuf:FILE.proto:package.Message; chain them with +, e.g. gzip+cbor).");
    CHECK(mqtt::parse_encode_chain("protobuf").error() ==
          "Error: --encode: unknown codec \"protobuf\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, "
          "protobuf:FILE.proto:package.Message; chain them with +, e.g. gzip+cbor).");
    CHECK(mqtt::parse_encode_chain("sparkplug").error() ==
          "Error: --encode: unknown codec \"sparkplug\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, "
          "protobuf:FILE.proto:package.Message; chain them with +, e.g. gzip+cbor).");
    CHECK(mqtt::parse_encode_chain("cbor+gzip").error() == "Error: --encode: cbor must be the last step of \"cbor+gzip\".");
    CHECK(mqtt::parse_encode_chain("cbor=json").ok() == false);
}
