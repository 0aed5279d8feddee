// Protobuf with a schema through the plugin (build/lib/mqtt-tools/mqtt-tools-protobuf.so, found
// from the test binary's folder as the tools find it): loading, JSON out, JSON back in.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <vector>
#include <string>

#include "payload_decoder.h"
#include "payload_encoder.h"
#include "protobuf_schema.h"
#include "error.h"
#include "temp_folder.h"

using namespace std::string_literals;

namespace {

const char* const k_proto = R"(syntax = "proto2";
package t;
enum Colour { RED = 1; GREEN = 2; }
message Point {
  optional sint64 x = 1;
  optional fixed32 y = 2;
  optional Colour colour = 3;
  optional string label = 4;
  repeated float weights = 5 [packed = true];
  map<int32, Point> next = 6;
  optional double d = 7;
  optional bytes blob = 8;
}
)";

std::string write(const unit::TempFolder& folder, const std::string& name, const std::string& text)
{
    const std::string path = folder.path + "/" + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("protobuf schema: fields by name in number order, sint64 and fixed32 exact, closed enum, packed floats, maps by key")
{
    unit::TempFolder folder;
    const std::string file = write(folder, "t.proto", k_proto);
    auto schema = mqtt::ProtobufSchema::load(file, "t.Point", {});
    REQUIRE(schema.ok());
    // x = -2 (zigzag 3), y = 7, colour = GREEN, label "é", weights [1.1, -0.5], next {5: {x: 1}, -1: {}},
    // blob "\xff": the fields written out of order on the wire.
    const std::string wire = "\x2a\x08\xcd\xcc\x8c\x3f\x00\x00\x00\xbf"s                      // 5: packed floats
                             "\x08\x03"s                                                      // 1: sint64 -2
                             "\x15\x07\x00\x00\x00"s                                          // 2: fixed32 7
                             "\x18\x02"s                                                      // 3: GREEN
                             "\x22\x02\xc3\xa9"s                                              // 4: "é"
                             "\x32\x06\x08\x05\x12\x02\x08\x02"s                              // 6: {5: {x: 1}}
                             "\x32\x0d\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x12\x00"s  // 6: {-1: {}}
                             "\x42\x01\xff"s;                                                 // 8: bytes
    std::string json;
    REQUIRE((*schema)->to_json(wire, json).ok());
    CHECK(json ==
          R"({"x":-2,"y":7,"colour":"GREEN","label":"é","weights":[1.1,-0.5],"next":{"-1":{},"5":{"x":1}},)"
          R"("blob":{"$bytes":"/w=="}})");
    // JSON back: the same message, the wire in field-number order and map entries by key.
    auto encoded = (*schema)->from_json(json);
    REQUIRE(encoded.ok());
    const std::string bytes(*encoded);  // (valid until the next call)
    std::string again;
    REQUIRE((*schema)->to_json(bytes, again).ok());
    CHECK(again == json);
    CHECK(bytes.substr(0, 2) == "\x08\x03");

    // A closed (proto2) enum's unknown number is kept among the unknown fields, as libprotobuf does.
    std::string odd;
    REQUIRE((*schema)->to_json("\x18\x09"s, odd).ok());
    CHECK(odd == R"({"$unknown":{"$bytes":"GAk="}})");
    auto odd_back = (*schema)->from_json(odd);
    REQUIRE(odd_back.ok());
    CHECK(*odd_back == "\x18\x09");

    // NaN and infinities as the $float marker, both ways; a float in its own shortest form.
    std::string special;
    REQUIRE((*schema)->to_json("\x39\x00\x00\x00\x00\x00\x00\xf0\x7f"s, special).ok());
    CHECK(special == R"({"d":{"$float":"Infinity"}})");
    CHECK((*schema)->from_json(R"({"d":{"$float":"Infinity"}})").value() == "\x39\x00\x00\x00\x00\x00\x00\xf0\x7f"s);
    // The largest float: its shortest text is above FLT_MAX as a double, and still goes back.
    std::string largest;
    REQUIRE((*schema)->to_json("\x2a\x04\xff\xff\x7f\x7f"s, largest).ok());
    CHECK(largest == R"({"weights":[3.4028235e+38]})");
    CHECK((*schema)->from_json(largest).value() == "\x2a\x04\xff\xff\x7f\x7f"s);
}

TEST_CASE("protobuf schema: what does not parse, and JSON that does not fit, say why")
{
    unit::TempFolder folder;
    auto schema = mqtt::ProtobufSchema::load(write(folder, "t.proto", k_proto), "t.Point", {});
    REQUIRE(schema.ok());
    std::string json = "kept";
    const auto bad = (*schema)->to_json("\x22\x05"
                                        "ab"s,
                                        json);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().reason == "not a valid t.Point message (truncated, malformed or nested deeper than 100)");
    CHECK(json == "kept");
    CHECK((*schema)->from_json(R"({"colour":"BLUE"})").error() ==
          "cannot be written as protobuf: colour: a string where a value of t.Colour is wanted");
    CHECK((*schema)->from_json(R"({"colour":7})").error() ==
          "cannot be written as protobuf: colour: the number 7 where a value of t.Colour is wanted");
    CHECK((*schema)->from_json(R"({"y":-1})").error() ==
          "cannot be written as protobuf: y: the number -1 where an integer of fixed32 (0 to 2^32-1) is wanted");
    CHECK((*schema)->from_json(R"({"next":{"x":{}}})").error() ==
          "cannot be written as protobuf: next[x]: the key x is not of type int32");
    CHECK((*schema)->from_json(R"({"x":1,"x":2})").error() == "cannot be written as protobuf: x: given twice");
    CHECK((*schema)->from_json(R"({"weights":[1e39]})").error() ==
          "cannot be written as protobuf: weights[0]: 1e39 is beyond what a float holds");
    CHECK((*schema)->from_json(R"({"weights":[3.4028236e38]})").error() ==
          "cannot be written as protobuf: weights[0]: 3.4028236e38 is beyond what a float holds");
    CHECK((*schema)->from_json("{").error() == "is not JSON at byte 2: a member name (a string) is missing");
}

TEST_CASE("protobuf schema: loading names the file, line and column, or the message types the file has")
{
    unit::TempFolder folder;
    const auto error_of = [&](const std::string& file, const std::string& message, const std::vector<std::string>& paths = {}) {
        auto loaded = mqtt::ProtobufSchema::load(file, message, paths);
        REQUIRE_FALSE(loaded.ok());
        return loaded.error();
    };
    CHECK(error_of(write(folder, "bad.proto", "syntax = \"proto2\";\nmessage {"), "M") ==
          "bad.proto:2:9: Expected message name.");
    const std::string good = write(folder, "t.proto", k_proto);
    CHECK(error_of(good, "t.Line") == good + ": no message type t.Line (the file has: t.Point)");
    // An import found in a --proto-path folder only.
    std::filesystem::create_directories(folder.path + "/inc/sub");
    write(folder, "inc/sub/colour.proto", "syntax = \"proto3\";\npackage c;\nmessage C { int32 v = 1; }\n");
    const std::string user =
        write(folder, "user.proto", "syntax = \"proto3\";\nimport \"sub/colour.proto\";\nmessage U { c.C c = 1; }\n");
    CHECK(error_of(user, "U") == "sub/colour.proto: File not found.");
    auto found = mqtt::ProtobufSchema::load(user, "U", {folder.path + "/inc"});
    REQUIRE(found.ok());
    std::string json;
    REQUIRE((*found)->to_json("\x0a\x02\x08\x2a"s, json).ok());
    CHECK(json == R"({"c":{"v":42}})");

    // proto3 strings are UTF-8 both ways: libprotobuf's own words when a payload's is not, and
    // --encode refuses to write one that is not.
    auto text =
        mqtt::ProtobufSchema::load(write(folder, "s.proto", "syntax = \"proto3\";\nmessage S { string s = 1; }\n"), "S", {});
    REQUIRE(text.ok());
    const auto refused = (*text)->to_json("\x0a\x01\xff"s, json);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().reason ==
          "not a valid S message (truncated, malformed or nested deeper than 100): String field 'S.s' contains "
          "invalid UTF-8 data when parsing a protocol buffer. Use the 'bytes' type if you intend to send raw bytes");
    CHECK((*text)->from_json(R"({"s":{"$bytes":"/w=="}})").error() ==
          "cannot be written as protobuf: s: a proto3 string must be UTF-8 (bytes are for a bytes field)");
}

TEST_CASE("protobuf schema: --decode and --encode load it at the start, gzip in front works both ways")
{
    unit::TempFolder folder;
    const std::string file = write(folder, "t.proto", k_proto);
    std::vector<mqtt::DecodeRule> rules{mqtt::parse_decode_rule("p/#=gzip+protobuf:" + file + ":t.Point").value()};
    mqtt::PayloadDecoder decoder(rules);
    mqtt::PayloadEncoder encoder(mqtt::parse_encode_chain("gzip+protobuf:" + file + ":t.Point").value());
    auto sent = encoder.encode(R"({"label":"hi","x":5})");
    REQUIRE(sent.ok());
    const auto decoded = decoder.decode("p/1", *sent);
    REQUIRE(decoded.kind == mqtt::Decoded::Kind::json);
    CHECK(decoded.value == R"({"x":5,"label":"hi"})");

    std::vector<mqtt::DecodeRule> missing{mqtt::parse_decode_rule("protobuf:" + folder.path + "/none.proto:M").value()};
    CHECK_THROWS_WITH_AS(mqtt::PayloadDecoder{missing},
                         ("Error: --decode protobuf:" + folder.path + "/none.proto:M: none.proto: File not found.").c_str(),
                         mqtt::Failure);
    CHECK_THROWS_WITH_AS(
        mqtt::PayloadEncoder(mqtt::parse_encode_chain("protobuf:" + file + ":t.None").value()),
        ("Error: --encode protobuf:" + file + ":t.None: " + file + ": no message type t.None (the file has: t.Point)").c_str(),
        mqtt::Failure);
}
