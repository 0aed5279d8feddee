// --decode and --encode protobuf:FILE.proto:package.Message against a real mosquitto: payloads
// made by protoc --encode (not by us) and decoded by mqtt-sub; payloads made by mqtt-pub
// --encode read back by protoc --decode; schemas that do not load (a bad .proto, an unknown
// message, a missing import) refused before connecting; hostile payloads on the failure path.
#include "e2e.h"

#include <filesystem>

#include "encoders.h"
#include "protobuf_nested.h"

using namespace e2e;
using namespace std::string_literals;

namespace {

/// proto3, with an enum from an import that --proto-path finds (units/units.proto).
const std::string k_device_proto = R"(syntax = "proto3";
package dev;
import "units/units.proto";
enum State {
  STATE_UNKNOWN = 0;
  STATE_OK = 1;
  STATE_FAULT = 2;
}
message Sample {
  double value = 1;
  units.Unit unit = 2;
}
message Reading {
  string id = 1;
  int64 seq = 2;
  uint64 big = 3;
  sint32 delta = 4;
  float ratio = 5;
  double temp = 6;
  bool ok = 7;
  bytes raw = 8;
  State state = 9;
  repeated Sample samples = 10;
  map<string, int32> counters = 11;
  oneof place {
    string room = 12;
    int32 floor = 13;
  }
  repeated int32 codes = 14;
  optional int32 battery = 16;
  Reading child = 17;
}
)";

const std::string k_units_proto = R"(syntax = "proto3";
package units;
enum Unit {
  UNIT_NONE = 0;
  CELSIUS = 1;
  VOLT = 2;
}
)";

/// The folders of a test: include/units/units.proto for --proto-path, and device.proto in a
/// folder of its own (`schema`, which protoc reads too).
struct Schemas {
    TempDir dir;
    std::string include;
    ProtocSchema schema;
    std::string device;
    Schemas() : include(units_folder(dir)), schema("device.proto", k_device_proto, {include}), device(schema.file()) {}
    std::string codec(const std::string& message = "dev.Reading") const { return "protobuf:" + device + ":" + message; }

private:
    static std::string units_folder(const TempDir& dir)
    {
        std::filesystem::create_directories(dir.path() + "/include/units");
        dir.write("include/units/units.proto", k_units_proto);
        return dir.path() + "/include";
    }
};

/// What protoc makes of `text` (text format) as a dev.Reading.
std::string protoc_encode(const Schemas& s, const std::string& text)
{
    return s.schema.encode("dev.Reading", text);
}

/// What protoc reads in `payload` as a dev.Reading, in text format.
std::string protoc_decode(const Schemas& s, const std::string& payload)
{
    return s.schema.decode("dev.Reading", payload);
}

const std::string k_reading_text =
    R"(id: "dev-17" seq: -3 big: 18446744073709551615 delta: -5 ratio: 1.1 temp: 21.5 ok: true raw: "\377\000" )"
    R"(state: STATE_FAULT samples { value: 3.25 unit: VOLT } samples { value: -1 } counters { key: "b" value: 2 } )"
    R"(counters { key: "a" value: 1 } floor: 3 codes: 1 codes: 2 battery: 0 child { id: "c" })";
/// As mqtt-sub prints it: .proto names in field-number order, enums by name, 64-bit integers
/// exact, bytes as $bytes, a float in its own shortest form, map entries by key, the oneof's
/// member set, and battery (proto3 optional) although 0.
const std::string k_reading_json =
    R"({"id":"dev-17","seq":-3,"big":18446744073709551615,"delta":-5,"ratio":1.1,"temp":21.5,"ok":true,)"
    R"("raw":{"$bytes":"/wA="},"state":"STATE_FAULT","samples":[{"value":3.25,"unit":"VOLT"},{"value":-1.0}],)"
    R"("counters":{"a":1,"b":2},"floor":3,"codes":[1,2],"battery":0,"child":{"id":"c"}})";

/// Publishes `payload` retained on `topic` (-f), QoS 1.
void publish_retained(const test::Broker& broker, const TempDir& dir, const std::string& topic, const std::string& payload)
{
    publish(broker, {"-r", "-q", "1", "-t", topic, "-f", dir.write("payload", payload)});
}

std::string warning(const std::string& topic, const std::string& codec, const std::string& reason, const std::string& then)
{
    return "Warning: Message payload on topic " + topic + " does not decode as " + codec + ": " + reason + "; " + then + ".\n";
}

}  // namespace

TEST_CASE(
    "protobuf schema: protoc's payload decoded by name - enums, 64-bit integers, bytes, maps, oneof, import by --proto-path")
{
    test::Broker broker;
    Schemas s;
    const std::string payload = protoc_encode(s, k_reading_text);
    publish_retained(broker, s.dir, "dev/17/pb", payload);
    auto run_with = [&](const Args& extra) {
        Args args{"-t", "dev/+/pb", "-C", "1", "-W", "20", "--decode", s.codec(), "--proto-path", s.include};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(sub(broker, args), {}, 30s);
    };
    check_ended(run_with({}), 0, k_reading_json + "\n");
    check_ended(run_with({"-v"}), 0, "dev/17/pb " + k_reading_json + "\n");
    const test::Result records = run_with({"--json"});
    CHECK(records.status == 0);
    CHECK(records.err == "");
    CHECK(records.out.ends_with(R"(,"payload_decoded":)" + k_reading_json + "}\n"));

    // An enum number the schema does not name stays a number; a field it does not have is
    // kept as $unknown bytes (field 99, varint 5: 98 06 05).
    const std::string odd = protoc_encode(s, R"(id: "x" state: 7)") + "\x98\x06\x05"s;
    publish_retained(broker, s.dir, "dev/18/pb", odd);
    check_ended(
        test::run(
            sub(broker, {"-t", "dev/18/pb", "-C", "1", "-W", "20", "--proto-path", s.include, "--decode", "dev/#=" + s.codec()}),
            {}, 30s),
        0,
        R"({"id":"x","state":7,"$unknown":{"$bytes":"mAYF"}})"
        "\n");
}

TEST_CASE("protobuf schema: a .proto that does not load is one line and status 1 before connecting")
{
    test::Broker broker;
    Schemas s;
    const std::string bad = s.dir.write("bad.proto", "syntax = \"proto3\";\nmessage M {\n  int32 a = 1\n}\n");
    const std::string undefined = s.dir.write("undefined.proto", "syntax = \"proto3\";\nmessage M {\n  Nope a = 1;\n}\n");
    const auto refused = [&](const Args& args, const std::string& line) {
        Args argv{"-t", "x", "-C", "1"};
        argv.insert(argv.end(), args.begin(), args.end());
        check_ended(test::run(sub(broker, argv), {}, 30s), 1, "", line + "\n");
    };
    refused({"--decode", "protobuf:" + bad + ":M"}, "Error: --decode protobuf:" + bad + ":M: bad.proto:4:1: Expected \";\".");
    refused({"--decode", "protobuf:" + undefined + ":M"},
            "Error: --decode protobuf:" + undefined + ":M: undefined.proto:3:3: \"Nope\" is not defined.");
    refused({"--decode", s.codec("dev.Nothing"), "--proto-path", s.include},
            "Error: --decode " + s.codec("dev.Nothing") + ": " + s.device +
                ": no message type dev.Nothing (the file has: dev.Sample, dev.Reading)");
    // Without --proto-path the import is not found.
    refused({"--decode", s.codec()}, "Error: --decode " + s.codec() + ": units/units.proto: File not found.");
    refused({"--decode", "protobuf:" + s.dir.path() + "/none.proto:M"},
            "Error: --decode protobuf:" + s.dir.path() + "/none.proto:M: none.proto: File not found.");
    // mqtt-pub --encode likewise.
    check_ended(test::run(pub(broker, {"-t", "x", "-m", "{}", "--encode", "protobuf:" + bad + ":M"}), {}, 30s), 1, "",
                "Error: --encode protobuf:" + bad + ":M: bad.proto:4:1: Expected \";\".\n");
    // The broker never saw a connection for those.
    CHECK(broker.log().find("New client connected") == std::string::npos);
}

TEST_CASE("protobuf schema: hostile payloads - truncated, not a message, nested deeper than 100 - printed raw with a stderr line")
{
    test::Broker broker;
    Schemas s;
    const std::string whole = protoc_encode(s, k_reading_text);
    const std::string truncated = whole.substr(0, whole.size() - 3);
    const std::string deep = test::protobuf_nested("\x0a\x01z", 150, "\x8a\x01");
    const std::string deep_ok = test::protobuf_nested("\x0a\x01z", 5, "\x8a\x01");
    const std::string reason = "not a valid dev.Reading message (truncated, malformed or nested deeper than 100)";
    const std::vector<std::pair<std::string, std::string>> messages{
        {"h/cut", gzip(truncated)}, {"h/deep", gzip(deep)}, {"h/plain", whole}, {"h/ok", gzip(deep_ok)}};
    Args argv{"-i",       "pb-hostile",        "-q",           "1",      "-W", "20", "-t", "h/#", "-C", "4", "-v",
              "--decode", "gzip+" + s.codec(), "--proto-path", s.include};
    const test::Result r = run_subscriber(
        broker, "pb-hostile", sub(broker, argv),
        [&] {
            for (const auto& [topic, payload] : messages)
                publish(broker, {"-q", "1", "-t", topic, "-f", s.dir.write("p", payload)});
        },
        30s);
    const std::string codec = "gzip+" + s.codec();
    // Each that does not decode printed raw (compressed as it came), with its line.
    check_ended(r, 0,
                "h/cut " + messages[0].second + "\nh/deep " + messages[1].second + "\nh/plain " + whole +
                    "\nh/ok {\"child\":{\"child\":{\"child\":{\"child\":{\"child\":{\"id\":\"z\"}}}}}}\n",
                warning("h/cut", codec, "protobuf: " + reason, "printed raw") +
                    warning("h/deep", codec, "protobuf: " + reason, "printed raw") +
                    warning("h/plain", codec, "gzip: incorrect header check at byte 2", "printed raw"));
}

TEST_CASE("protobuf schema: mqtt-pub --encode is read back by protoc --decode, and the round trip gives protoc's bytes")
{
    test::Broker broker;
    Schemas s;
    // JSON field names as the .proto has them or as their json_name (lowerCamelCase).
    const std::string json =
        R"({"id":"p-1","seq":"-9223372036854775808","big":18446744073709551615,"ratio":0.5,"raw":{"$bytes":"AQI="},)"
        R"("state":"STATE_OK","samples":[{"value":1e3,"unit":"CELSIUS"}],"counters":{"z":1,"a":2},"room":"lab","codes":[3],)"
        R"("temp":{"$float":"-Infinity"},"child":{"ok":true}})";
    const test::Result received = run_subscriber(
        broker, "pb-enc", sub(broker, {"-i", "pb-enc", "-q", "1", "-t", "e/pb", "-C", "1", "-W", "20", "-F", "%x"}),
        [&] {
            check_ended(
                test::run(pub(broker, {"-q", "1", "-t", "e/pb", "--encode", s.codec(), "--proto-path", s.include, "-m", json}),
                          {}, 30s),
                0, "");
        },
        30s);
    REQUIRE(received.status == 0);
    std::string bytes;
    for (std::size_t i = 0; i + 1 < received.out.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(received.out.substr(i, 2), nullptr, 16)));
    }
    CHECK(protoc_decode(s, bytes) ==
          "id: \"p-1\"\nseq: -9223372036854775808\nbig: 18446744073709551615\nratio: 0.5\ntemp: -inf\n"
          "raw: \"\\001\\002\"\nstate: STATE_OK\nsamples {\n  value: 1000\n  unit: CELSIUS\n}\n"
          "counters {\n  key: \"a\"\n  value: 2\n}\ncounters {\n  key: \"z\"\n  value: 1\n}\n"
          "room: \"lab\"\ncodes: 3\nchild {\n  ok: true\n}\n");

    // mqtt-sub --decode --json | mqtt-pub --json --encode: protoc's bytes again (no map here:
    // protoc writes map entries in no set order, we by key).
    const std::string original =
        protoc_encode(s,
                      R"(id: "dev-17" seq: -3 big: 18446744073709551615 delta: -5 ratio: 1.1 )"
                      R"(temp: 21.5 ok: true raw: "\377\000" state: STATE_FAULT samples { value: 3.25 unit: VOLT } )"
                      R"(floor: 3 codes: 1 codes: 2 battery: 0 child { id: "c" })");
    publish_retained(broker, s.dir, "r/1", original);
    const std::string saved = s.dir.path() + "/saved.jsonl";
    check_ended(test::run(with_stdout_to(saved,
                                         sub(broker,
                                             {"-t", "r/1", "-C", "1", "-W", "20", "--json", "--decode", s.codec(), "--proto-path",
                                              s.include})),
                          {}, 30s),
                0, "");
    const test::Result replayed = run_subscriber(
        broker, "pb-replay", sub(broker, {"-i", "pb-replay", "-q", "1", "-t", "r/1", "-C", "1", "-W", "20", "-F", "%p", "-N"}),
        [&] {
            check_ended(
                test::run(pub(broker, {"-q", "1", "--json", "-f", saved, "--encode", s.codec(), "--proto-path", s.include}), {},
                          30s),
                0, "");
        },
        30s);
    CHECK(replayed.status == 0);
    CHECK(replayed.out == original);
}

TEST_CASE("protobuf schema: JSON the schema does not fit - a clear error with its line, status 1")
{
    test::Broker broker;
    Schemas s;
    const std::string codec = s.codec();
    const auto refused = [&](const std::string& message, const std::string& line) {
        check_ended(test::run(pub(broker, {"-t", "x", "--encode", codec, "--proto-path", s.include, "-m", message}), {}, 30s), 1,
                    "", "Error: --encode " + codec + ": the -m message " + line + ".\n");
    };
    refused(R"({"id":"a","colour":"red"})", "cannot be written as protobuf: colour: dev.Reading has no field of that name");
    refused(R"({"samples":[{"value":1},{"value":"high"}]})",
            "cannot be written as protobuf: samples[1].value: a string where a number is wanted");
    refused(R"({"delta":2147483648})",
            "cannot be written as protobuf: delta: the number 2147483648 where an integer of sint32 (-2^31 to 2^31-1) is wanted");
    refused(R"({"state":"STATE_BROKEN"})", "cannot be written as protobuf: state: a string where a value of dev.State is wanted");
    refused(R"({"room":"a","floor":1})", "cannot be written as protobuf: floor: room is set too, and both are of oneof place");
    refused(R"([1])", "cannot be written as protobuf: an array where an object (dev.Reading) is wanted");
    refused(R"({"id":)", "is not JSON at byte 7: a value is missing");

    // A stream: the line by its number.
    const test::Result r = test::run(pub(broker, {"-t", "x", "-q", "1", "-l", "--encode", codec, "--proto-path", s.include}),
                                     "{\"id\":\"a\"}\n{\"nope\":1}\n", 30s);
    check_ended(r, 1, "",
                "Error: Line 2: --encode " + codec +
                    ": the payload cannot be written as protobuf: nope: dev.Reading has no field "
                    "of that name.\nAccount: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
}
