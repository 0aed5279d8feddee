// libFuzzer target: Protobuf with a schema (--decode and --encode protobuf:FILE.proto:M), the
// plugin's code linked in directly. A small fixed .proto with each kind of field (scalars,
// enums open and closed, bytes, repeated, packed, a map, a oneof, a recursive message, a
// group). What decodes is valid JSON, an object; that JSON encodes, and the bytes it gives
// decode to the same JSON (the round trip the man page promises); what does not decode says
// why. Nesting stays within the parser's limit of 100.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

#include "decoded_json.h"
#include "protobuf_plugin.h"

namespace {

const char* const k_proto = R"(syntax = "proto2";
package f;
enum Closed { A = 0; B = 1; C = 5; }
message Node {
  optional int32 i32 = 1;
  optional sint64 s64 = 2;
  optional uint64 u64 = 3;
  optional fixed32 f32 = 4;
  optional sfixed64 sf64 = 5;
  optional float fl = 6;
  optional double db = 7;
  optional bool b = 8;
  optional string s = 9;
  optional bytes by = 10;
  optional Closed e = 11;
  repeated int32 packed = 12 [packed = true];
  repeated string strings = 13;
  map<string, Node> children = 14;
  oneof choice {
    int32 one = 15;
    string other = 16;
  }
  optional Node next = 17;
  optional group G = 18 { optional int32 g = 19; }
  map<sint32, bool> flags = 20;
}
)";

MqttProtobufSchema* schema()
{
    static MqttProtobufSchema* loaded = [] {
        char folder[] = "/tmp/fuzz_protobuf_schema.XXXXXX";
        if (::mkdtemp(folder) == nullptr) std::abort();
        const std::string file = std::string(folder) + "/f.proto";
        std::ofstream(file) << k_proto;
        const char* error = nullptr;
        MqttProtobufSchema* s = mqtt_tools_protobuf_api()->load(file.c_str(), "f.Node", nullptr, 0, &error);
        ::unlink(file.c_str());
        ::rmdir(folder);
        if (s == nullptr) std::abort();
        return s;
    }();
    return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const MqttProtobufApi& api = *mqtt_tools_protobuf_api();
    const char* out = nullptr;
    std::size_t out_size = 0;
    if (api.decode(schema(), reinterpret_cast<const char*>(data), size, &out, &out_size) != 0) {
        if (out == nullptr || *out == '\0') std::abort();  // a reason, always
        return 0;
    }
    const std::string json(out, out_size);
    fuzz::check_decoded_json("x" + json, 1);
    if (json.empty() || json.front() != '{' || json.back() != '}') std::abort();
    // Round trip: JSON -> bytes -> the same JSON.
    if (api.encode(schema(), json.data(), json.size(), &out, &out_size) != 0) std::abort();
    const std::string bytes(out, out_size);
    if (api.decode(schema(), bytes.data(), bytes.size(), &out, &out_size) != 0) std::abort();
    if (std::string(out, out_size) != json) {
        std::fprintf(stderr, "first:  %s\nsecond: %.*s\n", json.c_str(), static_cast<int>(out_size), out);
        std::abort();
    }
    return 0;
}
