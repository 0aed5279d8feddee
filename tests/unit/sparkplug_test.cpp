#include <doctest/doctest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "sparkplug.h"

using namespace std::string_literals;

namespace {

// Protobuf written by hand, field by field, as the specification numbers them.
std::string varint(std::uint64_t value)
{
    std::string out;
    do {
        const auto low = static_cast<char>(value & 0x7f);
        value >>= 7;
        out.push_back(static_cast<char>(low | (value ? 0x80 : 0)));
    } while (value);
    return out;
}
std::string num(unsigned field, std::uint64_t value) { return varint(field << 3) + varint(value); }
std::string msg(unsigned field, const std::string& data) { return varint(field << 3 | 2) + varint(data.size()) + data; }
std::string f32(unsigned field, float value)
{
    const auto bits = std::bit_cast<std::uint32_t>(value);
    std::string out = varint(field << 3 | 5);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
    return out;
}
std::string f64(unsigned field, double value)
{
    const auto bits = std::bit_cast<std::uint64_t>(value);
    std::string out = varint(field << 3 | 1);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
    return out;
}

struct Result {
    std::string json;
    std::string error;
    std::vector<std::string> warnings;
};

Result decode(mqtt::SparkplugDecoder& decoder, const std::string& topic, const std::string& payload)
{
    Result result;
    if (auto status = decoder.decode(topic, payload, result.json, result.warnings); !status) {
        const mqtt::DecodeError& error = status.error();
        result.error = error.reason + (error.offset ? " @" + std::to_string(*error.offset) : "");
    }
    return result;
}

Result decode(const std::string& topic, const std::string& payload)
{
    mqtt::SparkplugDecoder decoder;
    return decode(decoder, topic, payload);
}

}  // namespace

TEST_CASE("Sparkplug metrics decode by data type, with names, timestamps and types")
{
    const struct {
        std::string metric;
        std::string json;
    } cases[] = {
        {msg(1, "t") + num(4, 1) + num(10, 0xffffffff), R"({"name":"t","type":"Int8","value":-1})"},
        {msg(1, "t") + num(4, 1) + num(10, 0xff), R"({"name":"t","type":"Int8","value":-1})"},
        {msg(1, "t") + num(4, 2) + num(10, 0xffff8000), R"({"name":"t","type":"Int16","value":-32768})"},
        {msg(1, "t") + num(4, 3) + num(10, 0x80000000), R"({"name":"t","type":"Int32","value":-2147483648})"},
        {msg(1, "t") + num(4, 4) + num(11, 0xfffffffffffffffe), R"({"name":"t","type":"Int64","value":-2})"},
        {msg(1, "t") + num(4, 7) + num(10, 0xffffffff), R"({"name":"t","type":"UInt32","value":4294967295})"},
        {msg(1, "t") + num(4, 8) + num(11, 0xffffffffffffffff),
         R"({"name":"t","type":"UInt64","value":18446744073709551615})"},
        {msg(1, "t") + num(4, 9) + f32(12, 1.5f), R"({"name":"t","type":"Float","value":1.5})"},
        {msg(1, "t") + num(4, 10) + f64(13, -0.25), R"({"name":"t","type":"Double","value":-0.25})"},
        {msg(1, "t") + num(4, 11) + num(14, 1), R"({"name":"t","type":"Boolean","value":true})"},
        {msg(1, "t") + num(4, 12) + msg(15, "h\x1b"), R"({"name":"t","type":"String","value":"h\u001b"})"},
        {msg(1, "t") + num(4, 13) + num(11, 1700000000000),
         R"({"name":"t","type":"DateTime","value":1700000000000})"},
        {msg(1, "t") + num(4, 17) + msg(16, "\x00\xff"s), R"({"name":"t","type":"Bytes","value":{"$bytes":"AP8="}})"},
        {msg(1, "t") + num(3, 5) + num(4, 3) + num(7, 1), R"({"name":"t","timestamp":5,"type":"Int32","is_null":true})"},
        {msg(1, "t") + num(4, 11) + num(5, 1) + num(6, 1) + num(14, 0),
         R"({"name":"t","type":"Boolean","value":false,"is_historical":true,"is_transient":true})"},
        {msg(1, "t") + num(4, 99) + num(10, 3), R"({"name":"t","type":99,"value":3})"},
        // Arrays: little-endian in bytes_value; BooleanArray counted, the first value in the high bit.
        {msg(1, "a") + num(4, 23) + msg(16, "\xff\xff\x02\x00"s), R"({"name":"a","type":"Int16Array","value":[-1,2]})"},
        {msg(1, "a") + num(4, 32) + msg(16, "\x0a\x00\x00\x00\x34\xc0"s),
         R"({"name":"a","type":"BooleanArray","value":[false,false,true,true,false,true,false,false,true,true]})"},
        {msg(1, "a") + num(4, 33) + msg(16, "ab\0c\0"s), R"({"name":"a","type":"StringArray","value":["ab","c"]})"},
        {msg(1, "a") + num(4, 30) + msg(16, "\x00\x00\xc0\x3f"s), R"({"name":"a","type":"FloatArray","value":[1.5]})"},
        // Properties and metadata.
        {msg(1, "p") + msg(9, msg(1, "$q") + msg(2, num(1, 3) + num(2, 1)) + msg(1, "Units") + msg(2, num(1, 12) + msg(8, "C"))),
         R"({"name":"p","properties":{"$map":[["$q",{"type":"Int32","is_null":true}],["Units",{"type":"String","value":"C"}]]}})"},
        {msg(1, "p") + msg(9, msg(1, "Units") + msg(2, num(1, 12) + msg(8, "C"))),
         R"({"name":"p","properties":{"Units":{"type":"String","value":"C"}}})"},
        {msg(1, "m") + msg(8, num(1, 1) + msg(2, "text/plain") + num(3, 10)),
         R"({"name":"m","metadata":{"is_multi_part":true,"content_type":"text/plain","size":10}})"},
        // A DataSet and a Template.
        {msg(1, "d") + num(4, 16) +
             msg(17, num(1, 2) + msg(2, "x") + msg(2, "y") + msg(3, "\x03\x0c"s) +
                     msg(4, msg(1, num(1, 0xffffffff)) + msg(1, msg(6, "a"))) + msg(4, msg(1, "") + msg(1, msg(6, "b")))),
         R"({"name":"d","type":"DataSet","value":{"num_of_columns":2,"columns":["x","y"],"types":["Int32","String"],)"
         R"("rows":[[-1,"a"],[null,"b"]]}})"},
        {msg(1, "T") + num(4, 19) +
             msg(18, msg(1, "v1") + msg(2, msg(1, "in") + num(4, 11) + num(14, 1)) +
                         msg(3, msg(1, "k") + num(2, 7) + num(3, 9)) + msg(4, "Motor")),
         R"({"name":"T","type":"Template","value":{"version":"v1","template_ref":"Motor","parameters":)"
         R"([{"name":"k","type":"UInt32","value":9}],"metrics":[{"name":"in","type":"Boolean","value":true}]}})"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        const Result result = decode("spBv1.0/g/DDATA/e/d", num(1, 9) + msg(2, c.metric));
        CHECK(result.error == "");
        CHECK(result.json == R"({"timestamp":9,"metrics":[)" + c.json + "]}");
    }
}

TEST_CASE("Sparkplug payloads show timestamp, seq, uuid, body and metrics in that order")
{
    const Result result =
        decode("spBv1.0/g/NCMD/e", msg(5, "\x01"s) + msg(4, "u") + num(3, 4) + msg(2, msg(1, "a")) + num(1, 2));
    CHECK(result.error == "");
    CHECK(result.json == R"({"timestamp":2,"seq":4,"uuid":"u","metrics":[{"name":"a"}],"body":{"$bytes":"AQ=="}})");
    CHECK(result.warnings.empty());
}

TEST_CASE("Sparkplug aliases are resolved from the births of the same edge node and reset by its NBIRTH")
{
    mqtt::SparkplugDecoder decoder;
    const std::string bd = msg(2, msg(1, "bdSeq") + num(4, 8) + num(11, 3));
    Result r = decode(decoder, "spBv1.0/g/NBIRTH/e", num(3, 0) + bd + msg(2, msg(1, "Temp") + num(2, 7) + num(4, 9) + f32(12, 1)));
    CHECK(r.warnings.empty());
    r = decode(decoder, "spBv1.0/g/DBIRTH/e/d", num(3, 1) + msg(2, msg(1, "Level") + num(2, 8) + num(4, 2) + num(10, 1)));
    CHECK(r.warnings.empty());
    r = decode(decoder, "spBv1.0/g/DDATA/e/d", num(3, 2) + msg(2, num(2, 7) + f32(12, 2.5f)) + msg(2, num(2, 8) + num(10, 0xfffe)));
    CHECK(r.error == "");
    CHECK(r.json ==
          R"({"seq":2,"metrics":[{"name":"Temp","alias":7,"type":"Float","value":2.5},{"name":"Level","alias":8,"type":"Int16","value":-2}]})");
    CHECK(r.warnings.empty());
    // Another node has no such alias: shown with a null name, warned once for that node.
    r = decode(decoder, "spBv1.0/g/NDATA/other", num(3, 5) + msg(2, num(2, 7) + num(10, 1)) + msg(2, num(2, 9) + num(10, 1)));
    CHECK(r.json == R"({"seq":5,"metrics":[{"name":null,"alias":7,"value":1},{"name":null,"alias":9,"value":1}]})");
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0] == "Sparkplug message on topic spBv1.0/g/NDATA/other uses metric alias 7 (and 1 more) with no birth "
                           "seen: shown with \"name\":null (not warned again for this node until its NBIRTH).");
    r = decode(decoder, "spBv1.0/g/NDATA/other", num(3, 6) + msg(2, num(2, 7) + num(10, 1)));
    CHECK(r.warnings.empty());
    // A new NBIRTH forgets the aliases of the node and its devices.
    r = decode(decoder, "spBv1.0/g/NBIRTH/e", num(3, 0) + bd);
    r = decode(decoder, "spBv1.0/g/NDATA/e", num(3, 1) + msg(2, num(2, 7) + f32(12, 2.5f)));
    CHECK(r.json == R"({"seq":1,"metrics":[{"name":null,"alias":7,"value":2.5}]})");
    CHECK(r.warnings.size() == 1);
}

TEST_CASE("Sparkplug seq gaps and bdSeq changes are warned, per edge node")
{
    mqtt::SparkplugDecoder decoder;
    const auto bd = [](std::uint64_t n) { return msg(2, msg(1, "bdSeq") + num(4, 8) + num(11, n)); };
    Result r = decode(decoder, "spBv1.0/g/NBIRTH/e", num(3, 0) + bd(1));
    CHECK(r.warnings.empty());
    r = decode(decoder, "spBv1.0/g/NDATA/e", num(3, 1));
    CHECK(r.warnings.empty());
    r = decode(decoder, "spBv1.0/g/DDATA/e/d", num(3, 3));
    CHECK(r.warnings == std::vector<std::string>{"Sparkplug seq on topic spBv1.0/g/DDATA/e/d is 3, expected 2."});
    // Commands and deaths carry none.
    r = decode(decoder, "spBv1.0/g/NCMD/e", "");
    CHECK(r.warnings.empty());
    // 255 wraps to 0.
    for (unsigned seq = 4; seq <= 255; ++seq) decode(decoder, "spBv1.0/g/NDATA/e", num(3, seq));
    r = decode(decoder, "spBv1.0/g/NDATA/e", num(3, 0));
    CHECK(r.warnings.empty());
    r = decode(decoder, "spBv1.0/g/NDATA/e", "");
    CHECK(r.warnings == std::vector<std::string>{"Sparkplug message on topic spBv1.0/g/NDATA/e has no seq."});
    // A second NBIRTH with another bdSeq while the node is online: its death went unseen.
    r = decode(decoder, "spBv1.0/g/NBIRTH/e", num(3, 0) + bd(2));
    CHECK(r.warnings == std::vector<std::string>{"Sparkplug NBIRTH on topic spBv1.0/g/NBIRTH/e has bdSeq 2, but the "
                                                 "node's previous NBIRTH (bdSeq 1) had no NDEATH."});
    r = decode(decoder, "spBv1.0/g/NDEATH/e", bd(1));
    CHECK(r.warnings == std::vector<std::string>{"Sparkplug NDEATH on topic spBv1.0/g/NDEATH/e has bdSeq 1, but the "
                                                 "node's NBIRTH had bdSeq 2."});
    // After its NDEATH a node is born again with the next bdSeq: nothing to say; an NBIRTH's seq is 0.
    r = decode(decoder, "spBv1.0/g/NBIRTH/e", num(3, 4) + bd(3));
    CHECK(r.warnings == std::vector<std::string>{"Sparkplug seq on topic spBv1.0/g/NBIRTH/e is 4, expected 0."});
    // Control bytes in topics are escaped.
    r = decode(decoder, "spBv1.0/g/NDATA/\x1b", num(3, 1));
    r = decode(decoder, "spBv1.0/g/NDATA/\x1b", num(3, 9));
    REQUIRE(r.warnings.size() == 1);
    CHECK(r.warnings[0].find('\x1b') == std::string::npos);
}

TEST_CASE("Sparkplug STATE messages: JSON in 3.0, ONLINE or OFFLINE before")
{
    Result r = decode("spBv1.0/STATE/host", R"( {"online" : true, "timestamp": 1} )");
    CHECK(r.error == "");
    CHECK(r.json == R"({"online":true,"timestamp":1})");
    r = decode("spBv1.0/STATE/host", "ONLINE");
    CHECK(r.error == R"(a Sparkplug 3.0 STATE payload is a JSON object ({"online":...,"timestamp":...}) @0)");
    r = decode("STATE/host", "OFFLINE");
    CHECK(r.json == R"({"online":false})");
    r = decode("STATE/host", "maybe");
    CHECK(r.error == "a STATE payload before Sparkplug 3.0 is ONLINE or OFFLINE @0");
    CHECK(mqtt::is_sparkplug_topic("spBv1.0/g/NDATA/e"));
    CHECK(mqtt::is_sparkplug_topic("STATE/host"));
    CHECK_FALSE(mqtt::is_sparkplug_topic("STATE/a/b"));
    CHECK_FALSE(mqtt::is_sparkplug_topic("STATE/"));
    CHECK_FALSE(mqtt::is_sparkplug_topic("plant/spBv1.0/g"));
}

TEST_CASE("Sparkplug payloads that do not decode say why and where, and change nothing")
{
    const struct {
        std::string payload;
        std::string error;
    } cases[] = {
        {"\x08", "truncated: the data ends inside a varint @1"},
        {msg(2, "\x0a\x05" "ab"s), "truncated: field 1 declares 5 bytes, 2 are left @2"},
        {num(2, 1), "field 2 of a Payload is varint, not length-delimited @0"},
        {msg(2, msg(1, "x") + f32(10, 1)), "field 10 of a Metric is 32-bit, not varint @5"},
        {msg(2, num(4, 24) + msg(16, "abc")), "Int32Array of 3 bytes: not a multiple of 4 @4"},
        {msg(2, num(4, 32) + msg(16, "\x09\x00\x00\x00\x01"s)), "BooleanArray of 9 values in 1 bytes @4"},
        {msg(2, msg(9, msg(1, "k"))), "a PropertySet with 1 keys and 0 values @2"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        const Result result = decode("spBv1.0/g/DDATA/e/d", c.payload);
        CHECK(result.error == c.error);
        CHECK(result.json == "");
    }
    // Templates in templates: bounded.
    std::string metric = msg(1, "leaf");
    for (int i = 0; i < 40; ++i) metric = msg(18, msg(2, metric));
    const Result deep = decode("spBv1.0/g/DDATA/e/d", msg(2, metric));
    CHECK(deep.error.starts_with("templates or property sets nested deeper than 32 levels @"));
}
