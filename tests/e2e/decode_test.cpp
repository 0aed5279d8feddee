// mqtt-sub --decode against a real mosquitto, with payloads made at test time by encoders
// that are not ours: Debian's python3-cbor2 and python3-msgpack, protoc (protobuf-compiler),
// the gzip, zstd and lz4 tools, and Python's zlib module. Also payloads that do not decode
// (--on-error, --stats) and hostile ones (deep nesting, huge declared lengths, truncation,
// compression bombs).
#include "e2e.h"

#include <regex>

#include "encoders.h"
#include "protobuf_nested.h"

using namespace e2e;
using namespace std::string_literals;

namespace {

/// A proto2 schema for protoc --encode: scalars of each wire type, a nested message, a
/// packed and a repeated field, a group, and a string that happens to parse as a message.
const std::string k_reading_proto = R"(syntax = "proto2";
package dev;
message Inner {
  optional uint32 a = 1;
  optional string b = 2;
}
message Reading {
  optional string id = 1;
  optional sint32 delta = 2;
  optional int32 neg = 3;
  optional fixed32 count = 4;
  optional double t = 5;
  optional float f = 6;
  optional bytes raw = 7;
  optional Inner inner = 8;
  repeated int32 samples = 9 [packed = true];
  repeated Inner parts = 10;
  optional uint64 big = 11;
  optional group Grp = 12 {
    optional int32 x = 13;
  }
  optional string note = 14;
}
)";

/// The protobuf protoc makes of `text` (text format) as a dev.Reading of k_reading_proto.
std::string protobuf(const std::string& text)
{
    return ProtocSchema("reading.proto", k_reading_proto).encode("dev.Reading", text);
}

/// What `protoc --decode_raw` prints of `payload`: the reading our schemaless decoder follows.
std::string protoc_decode_raw(const std::string& payload)
{
    return encoded_by({"/usr/bin/protoc", "--decode_raw"}, payload);
}

/// `command` (a shell pipeline that writes a compressed stream) run by /bin/sh.
std::string shell_output(const std::string& command)
{
    return encoded_by({"/bin/sh", "-c", command});
}

/// Publishes `payload` (written to a file in `dir`, sent with -f) on `topic`, QoS 1.
void publish_bytes(const test::Broker& broker, const TempDir& dir, const std::string& topic, const std::string& payload,
                   const Args& extra = {})
{
    Args args{"-q", "1", "-t", topic, "-f", dir.write("payload", payload)};
    args.insert(args.end(), extra.begin(), extra.end());
    publish(broker, args);
}

/// Runs mqtt-sub with `args` (client id `id`, -W 20 added) while `messages` (topic, payload)
/// are published in order, QoS 1.
test::Result subscribe_while_publishing(const test::Broker& broker, const std::string& id, Args args,
                                        const std::vector<std::pair<std::string, std::string>>& messages)
{
    TempDir dir;
    Args argv{"-i", id, "-q", "1", "-W", "20"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_subscriber(
        broker, id, sub(broker, argv),
        [&] {
            for (const auto& [topic, payload] : messages) publish_bytes(broker, dir, topic, payload);
        },
        30s);
}

/// The stderr line for a payload that did not decode, as --on-error print/skip say it.
std::string warning(const std::string& topic, const std::string& codec, const std::string& reason, const std::string& then)
{
    return "Warning: Message payload on topic " + topic + " does not decode as " + codec + ": " + reason + "; " + then + ".\n";
}

const std::string k_cbor_value =
    R"({"id": "dev-17", "t": 21.5, "ok": True, "raw": b"\x01\x02\x03", "n": 2**53 + 1, "tags": [1, -2],)"
    R"( "tagged": cbor2.CBORTag(1234, "x"), "u": cbor2.undefined, "nan": float("nan"), "none": None})";
const std::string k_cbor_json =
    R"({"id":"dev-17","t":21.5,"ok":true,"raw":{"$bytes":"AQID"},"n":9007199254740993,"tags":[1,-2],)"
    R"("tagged":{"$tag":1234,"value":"x"},"u":{"$undefined":true},"nan":{"$float":"NaN"},"none":null})";

}  // namespace

TEST_CASE("decode: CBOR from python3-cbor2 - one JSON line in place of the payload, -v, %V, --json, --pretty")
{
    test::Broker broker;
    TempDir dir;
    const std::string payload = cbor(k_cbor_value);
    // Retained: each subscriber below gets it at once.
    publish_bytes(broker, dir, "dev/17/state", payload, {"-r"});
    const Args base{"-t", "dev/+/state", "-C", "1", "-W", "20", "--decode", "cbor"};
    auto run_with = [&](const Args& extra) {
        Args args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(sub(broker, args), {}, 30s);
    };

    check_ended(run_with({}), 0, k_cbor_json + "\n");
    check_ended(run_with({"-v"}), 0, "dev/17/state " + k_cbor_json + "\n");
    // %V is the decoded value; %p and %x stay the raw bytes.
    check_ended(run_with({"-F", "%t %l %V"}), 0, "dev/17/state " + std::to_string(payload.size()) + " " + k_cbor_json + "\n");
    const test::Result raw = run_with({"-F", "%p"});
    check_ended(raw, 0, payload + "\n");

    // The option table gives the new options their variables too.
    check_ended(test::run(with_env(dir.path(), {"MQTT_DECODE=dev/+/state=cbor", "MQTT_ON_ERROR=stop"},
                                   sub(broker, {"-t", "dev/17/state", "-C", "1", "-W", "20"})),
                          {}, 30s),
                0, k_cbor_json + "\n");

    const test::Result json = run_with({"--json"});
    CHECK(json.status == 0);
    CHECK(json.err == "");
    CHECK(json.out.find(R"("topic":"dev/17/state",)") != std::string::npos);
    CHECK(json.out.ends_with(R"(,"payload_decoded":)" + k_cbor_json + "}\n"));

    // --pretty lays the value out as %j and %J do: a member per line, tab-indented.
    const std::string small = cbor(R"({"a": 1, "b": [2, 3], "c": {"d": b"\xff"}})");
    publish_bytes(broker, dir, "dev/18/state", small, {"-r"});
    check_ended(test::run(sub(broker, {"-t", "dev/18/state", "-C", "1", "-W", "20", "--decode", "cbor", "--pretty"}), {}, 30s), 0,
                "{\n\t\"a\":\t1,\n\t\"b\":\t[2, 3],\n\t\"c\":\t{\n\t\t\"d\":\t{\n\t\t\t\"$bytes\":\t\"/w==\"\n\t\t}\n\t}\n}\n");
}

TEST_CASE("decode: --pretty colours on a terminal only, and never with --no-color or NO_COLOR")
{
    test::Broker broker;
    TempDir dir;
    publish_bytes(broker, dir, "dev/19/state", R"({"v":1,"s":"x","ok":true,"n":null})", {"-r"});
    const Args args = sub(broker, {"-t", "dev/19/state", "-C", "1", "-W", "20", "--decode", "json", "--pretty"});
    const std::string key = "\x1b[1;34m", str = "\x1b[32m", num = "\x1b[36m", boo = "\x1b[33m", nul = "\x1b[1;30m",
                      end = "\x1b[0m";
    // The terminal's line discipline turns each newline into CR LF.
    check_ended(test::run(on_terminal(args), {}, 30s), 0,
                "{\r\n\t" + key + "\"v\"" + end + ":\t" + num + "1" + end + ",\r\n\t" + key + "\"s\"" + end + ":\t" + str +
                    "\"x\"" + end + ",\r\n\t" + key + "\"ok\"" + end + ":\t" + boo + "true" + end + ",\r\n\t" + key + "\"n\"" +
                    end + ":\t" + nul + "null" + end + "\r\n}\r\n");
    const std::string plain = "{\r\n\t\"v\":\t1,\r\n\t\"s\":\t\"x\",\r\n\t\"ok\":\ttrue,\r\n\t\"n\":\tnull\r\n}\r\n";
    check_ended(test::run(on_terminal(args, {"NO_COLOR=1"}), {}, 30s), 0, plain);
    Args no_color = args;
    no_color.push_back("--no-color");
    check_ended(test::run(on_terminal(no_color), {}, 30s), 0, plain);
    check_ended(test::run(on_terminal(args, {"MQTT_NO_COLOR=1"}), {}, 30s), 0, plain);
    // NO_COLOR set but empty does not count (no-color.org).
    CHECK(test::run(on_terminal(args, {"NO_COLOR="}), {}, 30s).out.find(key) != std::string::npos);
    // Into a pipe: no colour, plain newlines.
    check_ended(test::run(args, {}, 30s), 0, "{\n\t\"v\":\t1,\n\t\"s\":\t\"x\",\n\t\"ok\":\ttrue,\n\t\"n\":\tnull\n}\n");
}

TEST_CASE("decode: CBOR maps with keys that are not strings, from python3-cbor2, keep their keys as $map pairs")
{
    test::Broker broker;
    const test::Result r =
        subscribe_while_publishing(broker, "cbor-keys", {"-t", "k", "-C", "2", "--decode", "cbor"},
                                   {{"k", cbor(R"({1: "one", "two": 2})")}, {"k", cbor(R"([{b"\x00": True}])")}});
    check_ended(r, 0,
                R"({"$map":[[1,"one"],["two",2]]})"
                "\n"
                R"([{"$map":[[{"$bytes":"AA=="},true]]}])"
                "\n");
}

TEST_CASE("decode: MessagePack from python3-msgpack, 64-bit integers exact, bin and ext marked")
{
    test::Broker broker;
    const std::string value = R"({"id": "dev-17", "t": 21.5, "raw": b"\x01\x02\x03", "big": 2**64 - 1, "neg": -2**63,)"
                              R"( "ext": msgpack.ExtType(5, b"*"), "list": [None, False, 1.5], 3: "three"})";
    const test::Result r = subscribe_while_publishing(broker, "msgpack", {"-t", "m/#", "-C", "2", "-v", "--decode", "msgpack"},
                                                      {{"m/1", msgpack(value)}, {"m/2", msgpack(R"({"x": [1, {"y": "z"}]})")}});
    check_ended(r, 0,
                R"(m/1 {"$map":[["id","dev-17"],["t",21.5],["raw",{"$bytes":"AQID"}],["big",18446744073709551615],)"
                R"(["neg",-9223372036854775808],["ext",{"$ext":5,"data":"Kg=="}],["list",[null,false,1.5]],[3,"three"]]})"
                "\n"
                R"(m/2 {"x":[1,{"y":"z"}]})"
                "\n");
}

TEST_CASE("decode: json checks and re-renders a payload compactly")
{
    test::Broker broker;
    const test::Result r =
        subscribe_while_publishing(broker, "json", {"-t", "j", "-C", "2", "--decode", "json"},
                                   {{"j", "{ \"a\" : [ 1 , 2.50 ],\n \"b\" : \"\\u00e9\" }"}, {"j", "{\"a\":"}});
    check_ended(r, 0, "{\"a\":[1,2.50],\"b\":\"\\u00e9\"}\n{\"a\":\n", warning("j", "json", "not valid JSON", "printed raw"));
}

TEST_CASE("decode: gzip, zlib, zstd and lz4 (frame) made by their own tools, chained with + in front of a format")
{
    test::Broker broker;
    const std::string json = R"({"temperature":21.5,"unit":"C"})";
    const std::string cbor_bytes = cbor(R"({"temperature": 21.5, "unit": "C"})");
    const std::string msgpack_bytes = msgpack(R"({"temperature": 21.5, "unit": "C"})");
    const std::string text = "plain text, compressed\n";
    const test::Result r =
        subscribe_while_publishing(broker, "chains",
                                   {"-t", "c/#", "-C", "7", "-v", "--decode", "c/gz=gzip+json", "--decode", "c/zl=zlib+cbor",
                                    "--decode", "c/zs=zstd+msgpack", "--decode", "c/lz=lz4+cbor", "--decode",
                                    "c/two=gzip+zstd+json", "--decode", "c/text=zstd", "--decode", "c/bin=lz4"},
                                   {{"c/gz", gzip(json)},
                                    {"c/zl", zlib(cbor_bytes)},
                                    {"c/zs", zstd(msgpack_bytes)},
                                    {"c/lz", lz4(cbor_bytes)},
                                    {"c/two", gzip(zstd(json))},
                                    {"c/text", zstd(text)},
                                    {"c/bin", lz4(cbor_bytes)}});
    check_ended(r, 0,
                "c/gz " + json + "\nc/zl " + json + "\nc/zs " + json + "\nc/lz " + json + "\nc/two " + json + "\nc/text " + text +
                    "\nc/bin " + cbor_bytes + "\n");
}

TEST_CASE("decode: a chain of decompressions alone prints the bytes, --json gives them as a string or $bytes")
{
    test::Broker broker;
    TempDir dir;
    publish_bytes(broker, dir, "z/text", zstd("hello\n"), {"-r"});
    publish_bytes(broker, dir, "z/bin", zstd("\x01\xff"s), {"-r"});
    const test::Result text =
        test::run(sub(broker, {"-t", "z/text", "-C", "1", "-W", "20", "--decode", "zstd", "--json"}), {}, 30s);
    CHECK(text.status == 0);
    CHECK(text.out.ends_with(R"(,"payload_decoded":"hello\n"})"
                             "\n"));
    const test::Result bin =
        test::run(sub(broker, {"-t", "z/bin", "-C", "1", "-W", "20", "--decode", "zstd", "--json"}), {}, 30s);
    CHECK(bin.status == 0);
    CHECK(bin.out.ends_with(R"(,"payload_decoded":{"$bytes":"Af8="}})"
                            "\n"));
    // --encoding applies to decompressed bytes as to a raw payload.
    check_ended(test::run(sub(broker, {"-t", "z/bin", "-C", "1", "-W", "20", "--decode", "zstd", "--encoding", "hex"}), {}, 30s),
                0, "01ff\n");
}

TEST_CASE("decode: auto - gzip, zstd and lz4 recognised by their magic bytes, then JSON if it is JSON")
{
    test::Broker broker;
    const std::string json = R"({"a":[1,2]})";
    const test::Result r = subscribe_while_publishing(broker, "auto", {"-t", "a/#", "-C", "6", "-v", "--decode", "auto"},
                                                      {{"a/gz", gzip("{ \"a\": [1, 2] }")},
                                                       {"a/zs", zstd(json)},
                                                       {"a/lz", lz4("compressed, not JSON")},
                                                       {"a/zl", zlib(json)},
                                                       {"a/json", "[ 1,\n 2 ]"},
                                                       {"a/text", "22.5 C"}});
    check_ended(r, 0,
                "a/gz " + json + "\na/zs " + json + "\na/lz compressed, not JSON\na/zl " + json +
                    "\na/json [1,2]\na/text 22.5 C\n");
}

TEST_CASE("decode: FILTER=CODEC, the first matching filter wins, a message matching none is printed as today")
{
    test::Broker broker;
    const std::string as_cbor = cbor(R"({"a": 1})");
    const test::Result r = subscribe_while_publishing(
        broker, "filters", {"-t", "#", "-C", "3", "-v", "--decode", "dev/+/c=cbor", "--decode", "dev/#=msgpack"},
        {{"dev/1/c", as_cbor}, {"dev/2/m", msgpack(R"({"a": 2})")}, {"other/x", "\x83not decoded"s}});
    // dev/1/c also matches dev/# (msgpack), which would refuse these bytes.
    check_ended(r, 0, "dev/1/c {\"a\":1}\ndev/2/m {\"a\":2}\nother/x \x83not decoded\n"s);
}

TEST_CASE("decode: a payload that does not decode - printed raw with a stderr line, or skipped, or the end (status 1)")
{
    test::Broker broker;
    // python3-cbor2's [1, 2, 3] without its last byte.
    std::string truncated = cbor("[1, 2, 3]");
    REQUIRE(truncated == "\x83\x01\x02\x03");
    truncated.pop_back();
    const std::string good = cbor("[4]");
    const std::string reason = "truncated: the data ends inside an item at byte 3";

    const test::Result printed = subscribe_while_publishing(broker, "print", {"-t", "t/#", "-C", "2", "--decode", "cbor"},
                                                            {{"t/a", truncated}, {"t/ok", good}});
    check_ended(printed, 0, truncated + "\n[4]\n", warning("t/a", "cbor", reason, "printed raw"));

    const test::Result skipped =
        subscribe_while_publishing(broker, "skip", {"-t", "t/#", "-C", "2", "--decode", "gzip+cbor", "--on-error", "skip"},
                                   {{"t/a", truncated}, {"t/b", gzip(good)}});
    CHECK(skipped.status == 0);
    CHECK(skipped.out == "[4]\n");
    CHECK(std::regex_match(skipped.err,
                           std::regex(R"(Warning: Message payload on topic t/a does not decode as gzip\+cbor: )"
                                      R"(gzip: [^\n]+; skipped\.\n)")));

    const test::Result stopped = subscribe_while_publishing(
        broker, "stop", {"-t", "t/#", "-C", "2", "--decode", "cbor", "--on-error", "stop"}, {{"t/a", good}, {"t/b", truncated}});
    check_ended(stopped, 1, "[4]\n", "Error: Message payload on topic t/b does not decode as cbor: " + reason + ".\n");
}

TEST_CASE("decode: --stats counts the messages that did not decode")
{
    test::Broker broker;
    const test::Result r = subscribe_while_publishing(broker, "stats", {"-t", "s", "-C", "3", "--decode", "msgpack", "--stats"},
                                                      {{"s", msgpack("[1]")}, {"s", "\xc1"}, {"s", msgpack("[2]")}});
    CHECK(r.status == 0);
    CHECK(r.out == "[1]\n\xc1\n[2]\n");
    CHECK(std::regex_match(r.err,
                           std::regex(R"(Warning: Message payload on topic s does not decode as msgpack: malformed object )"
                                      R"(\(an unknown type byte\) at byte 0; printed raw\.\n)"
                                      R"(\{"tool":"mqtt-sub","received":3,"received_bytes":[0-9]+,"undecoded":1,)"
                                      R"("duration_s":[0-9.]+,"rate":[0-9.]+\}\n)")));
}

TEST_CASE("decode: hostile payloads are bounded - deep nesting, huge declared lengths, truncation, compression bombs")
{
    test::Broker broker;
    const std::string deep_cbor = std::string(100000, '\x81') + '\x00';
    const std::string deep_msgpack = std::string(100000, '\x91') + '\x00';
    const std::string half_gzip = [&] {
        const std::string whole = gzip(std::string(4096, 'x') + "{}");
        return whole.substr(0, whole.size() / 2);
    }();
    const test::Result r =
        subscribe_while_publishing(broker, "hostile",
                                   {"-t", "h/#", "-C", "7", "-v", "--on-error", "skip", "--decode", "h/c=cbor", "--decode",
                                    "h/m=msgpack", "--decode", "h/gz=gzip+json", "--decode", "h/end=json"},
                                   {{"h/c", deep_cbor},
                                    {"h/m", deep_msgpack},
                                    {"h/c", "\x5b\x7f\xff\xff\xff\xff\xff\xff\xff"s},
                                    {"h/m", "\xdd\x7f\xff\xff\xff"s},
                                    {"h/gz", half_gzip},
                                    {"h/c", cbor(R"({"a": [1, 2, 3]})").substr(0, 5)},
                                    {"h/end", "{}"}});
    check_ended(
        r, 0, "h/end {}\n",
        warning("h/c", "cbor", "nested deeper than 1000 levels at byte 1000", "skipped") +
            warning("h/m", "msgpack", "nested deeper than 1000 levels", "skipped") +
            warning("h/c", "cbor", "truncated: the item needs 9223372036854775816 bytes, 9 are left at byte 0", "skipped") +
            warning("h/m", "msgpack", "truncated: the data ends inside an object at byte 5", "skipped") +
            warning("h/gz", "gzip+json",
                    "gzip: truncated: the compressed stream ends early at byte " + std::to_string(half_gzip.size()), "skipped") +
            warning("h/c", "cbor", "truncated: the data ends inside an item at byte 5", "skipped"));
}

TEST_CASE("decode: compression bombs stop at 16 MiB of output, and the subscriber's memory stays small")
{
    test::Broker broker;
    TempDir dir;
    // 1 GiB of zeros through zstd and lz4, 256 MiB through gzip: a few KiB to a few MiB each.
    const std::string zstd_bomb = shell_output("head -c 1073741824 /dev/zero | zstd -q -c");
    const std::string lz4_bomb = shell_output("head -c 1073741824 /dev/zero | lz4 -q -c");
    const std::string gzip_bomb = shell_output("head -c 268435456 /dev/zero | gzip -c -n");
    test::Child subscriber(
        sub(broker,
            {"-i", "bombs", "-q", "1", "-t", "b/#", "-C", "5", "-v", "-W", "60", "--decode", "b/end=json", "--decode", "auto"}));
    require_subscribed(broker, "bombs");
    publish_bytes(broker, dir, "b/zstd", zstd_bomb);
    publish_bytes(broker, dir, "b/lz4", lz4_bomb);
    publish_bytes(broker, dir, "b/gzip", gzip_bomb);
    // Exactly 16 MiB is still allowed.
    publish_bytes(broker, dir, "b/edge", shell_output("head -c 16777216 /dev/zero | tr '\\0' 'a' | zstd -q -c"));
    const std::string before_end = "b/zstd " + zstd_bomb + "\nb/lz4 " + lz4_bomb + "\nb/gzip " + gzip_bomb + "\nb/edge " +
        std::string(std::size_t{16} << 20, 'a') + "\n";
    REQUIRE(subscriber.wait_for_output(before_end.size(), 60s));
    const long peak_kib = peak_rss_kib(subscriber.pid());
    publish_bytes(broker, dir, "b/end", "{}");
    const test::Result r = subscriber.wait(60s);
    check_ended(r, 0, before_end + "b/end {}\n",
                warning("b/zstd", "auto", "zstd: decompressed data exceeds 16 MiB", "printed raw") +
                    warning("b/lz4", "auto", "lz4: decompressed data exceeds 16 MiB", "printed raw") +
                    warning("b/gzip", "auto", "gzip: decompressed data exceeds 16 MiB", "printed raw"));
    // The 16 MiB output buffers and the raw bomb, not the gigabyte: under 160 MiB even with ASan.
    CHECK(peak_kib > 0);
    CHECK(peak_kib < 160 * 1024);
}

namespace {

/// The Reading of k_reading_proto the protobuf tests publish, as protobuf() encodes it.
const std::string k_reading_text =
    R"(id: "dev-17" delta: -5 neg: -1 count: 7 t: 21.5 f: 1.5 raw: "\377\000" inner { a: 1 b: "x" } )"
    R"(samples: 150 samples: 300 parts { a: 2 } parts { a: 3 b: "y" } big: 18446744073709551615 Grp { x: 5 } note: "hi")";

std::string repeated(const std::string& text, int times)
{
    std::string out;
    for (int i = 0; i < times; ++i) out += text;
    return out;
}

}  // namespace

TEST_CASE("decode: protobuf without a schema, from protoc --encode - field numbers as keys, messages guessed as protoc "
          "--decode_raw does")
{
    test::Broker broker;
    TempDir dir;
    const std::string payload = protobuf(k_reading_text);
    // protoc's own schemaless reading of these bytes, which the JSON below follows: a
    // length-delimited field is a message when its bytes parse as one (8, 10, and 14,
    // whose "hi" happens to), else a string (1, 9 and 7 here, bytes in the JSON when not UTF-8).
    CHECK(protoc_decode_raw(payload) ==
          "1: \"dev-17\"\n2: 9\n3: 18446744073709551615\n4: 0x00000007\n5: 0x4035800000000000\n6: 0x3fc00000\n"
          "7: \"\\377\\000\"\n8 {\n  1: 1\n  2: \"x\"\n}\n9: \"\\226\\001\\254\\002\"\n10 {\n  1: 2\n}\n10 {\n  1: 3\n"
          "  2: \"y\"\n}\n11: 18446744073709551615\n12 {\n  13: 5\n}\n14 {\n  13: 105\n}\n");
    // 0x4035800000000000 is 21.5 as a double, 0x3fc00000 1.5 as a float.
    const std::string json =
        R"({"1":"dev-17","2":9,"3":18446744073709551615,"4":{"$fixed32":7},"5":{"$fixed64":4626744929681408000},)"
        R"("6":{"$fixed32":1069547520},"7":{"$bytes":"/wA="},"8":{"1":1,"2":"x"},"9":{"$bytes":"lgGsAg=="},)"
        R"("10":[{"1":2},{"1":3,"2":"y"}],"11":18446744073709551615,"12":{"$group":{"13":5}},"14":{"13":105}})";
    // Retained: each subscriber below gets it at once.
    publish_bytes(broker, dir, "dev/17/pb", payload, {"-r"});
    auto run_with = [&](const Args& extra) {
        Args args{"-t", "dev/+/pb", "-C", "1", "-W", "20", "--decode", "protobuf"};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(sub(broker, args), {}, 30s);
    };
    check_ended(run_with({}), 0, json + "\n");
    check_ended(run_with({"-v"}), 0, "dev/17/pb " + json + "\n");
    check_ended(run_with({"-F", "%l %V"}), 0, std::to_string(payload.size()) + " " + json + "\n");
    const test::Result records = run_with({"--json"});
    CHECK(records.status == 0);
    CHECK(records.err == "");
    CHECK(records.out.find(R"("topic":"dev/17/pb",)") != std::string::npos);
    CHECK(records.out.ends_with(R"(,"payload_decoded":)" + json + "}\n"));
}

TEST_CASE("decode: FILTER=protobuf and gzip+protobuf per topic, a message matching no filter printed as today")
{
    test::Broker broker;
    const std::string small = protobuf(R"(id: "a" delta: 1 parts { a: 2 } parts { a: 3 })");
    REQUIRE(small ==
            "\x0a\x01"
            "a\x10\x02\x52\x02\x08\x02\x52\x02\x08\x03");
    const test::Result r = subscribe_while_publishing(
        broker, "pb-filters", {"-t", "#", "-C", "3", "-v", "--decode", "p/+/raw=protobuf", "--decode", "p/gz/#=gzip+protobuf"},
        {{"p/1/raw", small}, {"p/gz/x", gzip(small)}, {"other", small}});
    const std::string json = R"({"1":"a","2":2,"10":[{"1":2},{"1":3}]})";
    check_ended(r, 0, "p/1/raw " + json + "\np/gz/x " + json + "\nother " + small + "\n");
}

TEST_CASE("decode: hostile protobuf - truncation, a huge declared length, 200 nested groups refused, 200 nested messages bounded")
{
    test::Broker broker;
    // protoc's Reading cut inside field 8 (the nested Inner at byte 44: 42 05 08 01 12 01 78).
    const std::string whole = protobuf(k_reading_text);
    REQUIRE(whole.substr(44, 7) == "\x42\x05\x08\x01\x12\x01\x78");
    const std::string truncated = whole.substr(0, 49);
    const std::string huge = "\x12\xff\xff\xff\xff\xff\xff\xff\xff\x7f"s;
    const std::string deep_groups = std::string(200, '\x0b') + std::string(200, '\x0c');
    const std::string good = protobuf(R"(delta: 1)");
    // 200 messages, each in field 1 of the next: valid protobuf. The first 100 levels are
    // objects; the 100 inside the 100th are its field 1 as bytes (their lengths make them not UTF-8).
    const std::string inner = test::protobuf_nested("\x08\x01", 100);
    const std::string deep_messages = test::protobuf_nested(inner, 100);
    const std::string inner_base64 = encoded_by(
        {"/usr/bin/python3", "-c", "import sys, base64; sys.stdout.write(base64.b64encode(sys.stdin.buffer.read()).decode())"},
        inner);
    const std::string deep_json = repeated(R"({"1":)", 99) + R"({"1":{"$bytes":")" + inner_base64 + R"("}})" + repeated("}", 99);

    const std::string truncated_reason = "truncated: field 8 declares 5 bytes, 3 are left at byte 44";
    const std::string huge_reason = "truncated: field 2 declares 9223372036854775807 bytes, 0 are left at byte 0";
    const std::string deep_reason = "messages and groups nested deeper than 100 levels at byte 99";
    const test::Result printed = subscribe_while_publishing(
        broker, "pb-hostile", {"-t", "h/#", "-C", "5", "-v", "--decode", "protobuf"},
        {{"h/cut", truncated}, {"h/huge", huge}, {"h/groups", deep_groups}, {"h/messages", deep_messages}, {"h/ok", good}});
    check_ended(printed, 0,
                "h/cut " + truncated + "\nh/huge " + huge + "\nh/groups " + deep_groups + "\nh/messages " + deep_json +
                    "\nh/ok {\"2\":2}\n",
                warning("h/cut", "protobuf", truncated_reason, "printed raw") +
                    warning("h/huge", "protobuf", huge_reason, "printed raw") +
                    warning("h/groups", "protobuf", deep_reason, "printed raw"));

    const test::Result skipped =
        subscribe_while_publishing(broker, "pb-skip", {"-t", "h/#", "-C", "3", "--decode", "protobuf", "--on-error", "skip"},
                                   {{"h/cut", truncated}, {"h/groups", deep_groups}, {"h/ok", good}});
    check_ended(skipped, 0, "{\"2\":2}\n",
                warning("h/cut", "protobuf", truncated_reason, "skipped") +
                    warning("h/groups", "protobuf", deep_reason, "skipped"));

    const test::Result stopped =
        subscribe_while_publishing(broker, "pb-stop", {"-t", "h/#", "-C", "2", "--decode", "protobuf", "--on-error", "stop"},
                                   {{"h/ok", good}, {"h/huge", huge}});
    check_ended(stopped, 1, "{\"2\":2}\n",
                "Error: Message payload on topic h/huge does not decode as protobuf: " + huge_reason + ".\n");
}

namespace {

/// Our own proto2 schema of the Sparkplug B messages these tests need, written from the
/// specification's field numbers and types (the oneofs as plain optional fields), for
/// protoc --encode: an encoder that is not ours.
const std::string k_sparkplug_proto = R"(syntax = "proto2";
package spb;
message PropertyValue {
  optional uint32 type = 1;
  optional bool is_null = 2;
  optional uint32 int_value = 3;
  optional string string_value = 8;
}
message PropertySet {
  repeated string keys = 1;
  repeated PropertyValue values = 2;
}
message DataSetValue {
  optional uint32 int_value = 1;
  optional double double_value = 4;
}
message Row { repeated DataSetValue elements = 1; }
message DataSet {
  optional uint64 num_of_columns = 1;
  repeated string columns = 2;
  repeated uint32 types = 3;
  repeated Row rows = 4;
}
message Metric {
  optional string name = 1;
  optional uint64 alias = 2;
  optional uint64 timestamp = 3;
  optional uint32 datatype = 4;
  optional bool is_null = 7;
  optional PropertySet properties = 9;
  optional uint32 int_value = 10;
  optional uint64 long_value = 11;
  optional float float_value = 12;
  optional double double_value = 13;
  optional bool boolean_value = 14;
  optional string string_value = 15;
  optional bytes bytes_value = 16;
  optional DataSet dataset_value = 17;
}
message Payload {
  optional uint64 timestamp = 1;
  repeated Metric metrics = 2;
  optional uint64 seq = 3;
}
)";

/// The Sparkplug B payload protoc makes of `text` (text format) as an spb.Payload.
std::string sparkplug(const std::string& text)
{
    return ProtocSchema("sparkplug.proto", k_sparkplug_proto).encode("spb.Payload", text);
}

}  // namespace

TEST_CASE("decode: --sparkplug - payloads from protoc by name and type, aliases from births, seq and bdSeq warned, STATE")
{
    test::Broker broker;
    const std::string nbirth = sparkplug(R"(timestamp: 1700000000000 seq: 0 metrics { name: "bdSeq" datatype: 8 long_value: 1 })"
                                         R"( metrics { name: "Temp" alias: 1 datatype: 9 float_value: 21.5)"
                                         R"(   properties { keys: "Units" values { type: 12 string_value: "C" } } })"
                                         R"( metrics { name: "Level" alias: 2 datatype: 2 int_value: 4294967295 })");
    const std::string dbirth =
        sparkplug(R"(seq: 1 metrics { name: "Status" alias: 3 datatype: 12 string_value: "ok" })"
                  R"( metrics { name: "Table" datatype: 16 dataset_value { num_of_columns: 2 columns: "id" columns: "v")"
                  R"(   types: 3 types: 10 rows { elements { int_value: 4294967294 } elements { double_value: 0.5 } } } })");
    const std::string ddata = sparkplug(
        R"(timestamp: 1700000000500 seq: 2 metrics { alias: 1 float_value: 22.25 } metrics { alias: 3 is_null: true })");
    const std::string ndata_gap = sparkplug(R"(seq: 4 metrics { alias: 2 int_value: 5 })");
    const std::string unknown_alias = sparkplug(R"(seq: 7 metrics { alias: 9 long_value: 3 })");
    const std::string ndeath = sparkplug(R"(metrics { name: "bdSeq" datatype: 8 long_value: 2 })");
    const std::string bad = "\x12\x05"
                            "ab";
    const test::Result r = subscribe_while_publishing(
        broker, "spb", {"-t", "spBv1.0/#", "-t", "plain/#", "-t", "STATE/+", "-C", "10", "-v", "--sparkplug"},
        {{"spBv1.0/G/NBIRTH/E", nbirth},
         {"spBv1.0/G/DBIRTH/E/D", dbirth},
         {"spBv1.0/G/DDATA/E/D", ddata},
         {"spBv1.0/G/NDATA/E", ndata_gap},
         {"spBv1.0/G/NDATA/F", unknown_alias},
         {"plain/x",
          "\x12\x05"
          "ab"},
         {"spBv1.0/G/NDEATH/E", ndeath},
         {"spBv1.0/STATE/host", R"({"online": true, "timestamp": 1700000000000})"},
         {"STATE/host", "OFFLINE"},
         {"spBv1.0/G/NDATA/E", bad}});
    check_ended(
        r, 0,
        "spBv1.0/G/NBIRTH/E "
        R"({"timestamp":1700000000000,"seq":0,"metrics":[{"name":"bdSeq","type":"UInt64","value":1},)"
        R"({"name":"Temp","alias":1,"type":"Float","value":21.5,"properties":{"Units":{"type":"String","value":"C"}}},)"
        R"({"name":"Level","alias":2,"type":"Int16","value":-1}]})"
        "\nspBv1.0/G/DBIRTH/E/D "
        R"({"seq":1,"metrics":[{"name":"Status","alias":3,"type":"String","value":"ok"},{"name":"Table","type":"DataSet",)"
        R"("value":{"num_of_columns":2,"columns":["id","v"],"types":["Int32","Double"],"rows":[[-2,0.5]]}}]})"
        "\nspBv1.0/G/DDATA/E/D "
        R"({"timestamp":1700000000500,"seq":2,"metrics":[{"name":"Temp","alias":1,"type":"Float","value":22.25},)"
        R"({"name":"Status","alias":3,"type":"String","is_null":true}]})"
        "\nspBv1.0/G/NDATA/E "
        R"({"seq":4,"metrics":[{"name":"Level","alias":2,"type":"Int16","value":5}]})"
        "\nspBv1.0/G/NDATA/F "
        R"({"seq":7,"metrics":[{"name":null,"alias":9,"value":3}]})"
        "\nplain/x \x12\x05"
        "ab"
        "\nspBv1.0/G/NDEATH/E "
        R"({"metrics":[{"name":"bdSeq","type":"UInt64","value":2}]})"
        "\nspBv1.0/STATE/host "
        R"({"online":true,"timestamp":1700000000000})"
        "\nSTATE/host "
        R"({"online":false})"
        "\nspBv1.0/G/NDATA/E \x12\x05"
        "ab\n",
        "Warning: Sparkplug seq on topic spBv1.0/G/NDATA/E is 4, expected 3.\n"
        "Warning: Sparkplug message on topic spBv1.0/G/NDATA/F uses metric alias 9 with no birth seen: shown with "
        "\"name\":null (not warned again for this node until its NBIRTH).\n"
        "Warning: Sparkplug NDEATH on topic spBv1.0/G/NDEATH/E has bdSeq 2, but the node's NBIRTH had bdSeq 1.\n" +
            warning("spBv1.0/G/NDATA/E", "sparkplug", "truncated: field 2 declares 5 bytes, 2 are left at byte 0",
                    "printed raw"));
}

TEST_CASE("decode: sparkplug rules read Sparkplug topics only - other topics go to the next rule or print as today")
{
    test::Broker broker;
    const std::string data = sparkplug(R"(seq: 0 metrics { name: "On" datatype: 11 boolean_value: true })");
    const test::Result r = subscribe_while_publishing(
        broker, "spb-rules",
        {"-t", "#", "-C", "4", "-v", "--decode", "spBv1.0/A/#=sparkplug", "--decode", "sparkplug", "--decode", "j/#=json"},
        {{"spBv1.0/A/NCMD/E", data}, {"spBv1.0/B/NCMD/E", data}, {"j/1", R"({ "a" : 1 })"}, {"other", data}});
    check_ended(r, 0,
                "spBv1.0/A/NCMD/E "
                R"({"seq":0,"metrics":[{"name":"On","type":"Boolean","value":true}]})"
                "\nspBv1.0/B/NCMD/E "
                R"({"seq":0,"metrics":[{"name":"On","type":"Boolean","value":true}]})"
                "\nj/1 {\"a\":1}\nother " +
                    data + "\n");
}

TEST_CASE("decode: mqtt-pub --sparkplug-rebirth sends the NCMD with Node Control/Rebirth, read by protoc and --sparkplug")
{
    test::Broker broker;
    const auto before = std::chrono::system_clock::now();
    const test::Result decoded = run_subscriber(
        broker, "rebirth", sub(broker, {"-i", "rebirth", "-t", "spBv1.0/#", "-C", "1", "-W", "20", "-v", "--sparkplug"}),
        [&] {
            publish(broker, {"--sparkplug-rebirth", "Plant1/Press4"});
        },
        30s);
    CHECK(decoded.status == 0);
    CHECK(decoded.err == "");
    std::smatch match;
    REQUIRE(std::regex_match(decoded.out, match,
                             std::regex(R"(spBv1\.0/Plant1/NCMD/Press4 \{"timestamp":([0-9]+),"metrics":\[\{"name":)"
                                        R"("Node Control/Rebirth","timestamp":\1,"type":"Boolean","value":true\}\]\}\n)")));
    const auto sent = std::chrono::system_clock::time_point(std::chrono::milliseconds(std::stoll(match[1].str())));
    CHECK(sent >= before - 1s);
    CHECK(sent <= std::chrono::system_clock::now() + 1s);

    // The same bytes as protoc reads them with our own schema.
    const test::Result raw = run_subscriber(
        broker, "rebirth-raw", sub(broker, {"-i", "rebirth-raw", "-t", "spBv1.0/G/NCMD/E", "-C", "1", "-W", "20", "-N"}),
        [&] {
            publish(broker, {"--sparkplug-rebirth", "G/E"});
        },
        30s);
    REQUIRE(raw.status == 0);
    const std::string text = ProtocSchema("sparkplug.proto", k_sparkplug_proto).decode("spb.Payload", raw.out);
    CHECK(std::regex_match(text,
                           std::regex("timestamp: [0-9]+\nmetrics \\{\n  name: \"Node Control/Rebirth\"\n"
                                      "  timestamp: [0-9]+\n  datatype: 11\n  boolean_value: true\n\\}\n")));

    check_refusals("mqtt-pub", {},
                   {{{"--sparkplug-rebirth", "Plant1"},
                     "Error: --sparkplug-rebirth takes GROUP/EDGE_NODE, two parts that are not empty and hold no '/', '+' or "
                     "'#', not \"Plant1\"."},
                    {{"--sparkplug-rebirth", "a/b/c"},
                     "Error: --sparkplug-rebirth takes GROUP/EDGE_NODE, two parts that are not empty and hold no '/', '+' or "
                     "'#', not \"a/b/c\"."},
                    {{"--sparkplug-rebirth", "a/+"},
                     "Error: --sparkplug-rebirth takes GROUP/EDGE_NODE, two parts that are not empty and hold no '/', '+' or "
                     "'#', not \"a/+\"."},
                    {{"--sparkplug-rebirth", "/b"},
                     "Error: --sparkplug-rebirth takes GROUP/EDGE_NODE, two parts that are not empty and hold no '/', '+' or "
                     "'#', not \"/b\"."},
                    {{"--sparkplug-rebirth", "a/b", "-m", "x"}, "Error: Only one type of message can be sent at once."},
                    {{"-f", "/dev/null", "--sparkplug-rebirth", "a/b"}, "Error: Only one type of message can be sent at once."},
                    {{"--sparkplug-rebirth", "a/b", "-l"}, "Error: Only one type of message can be sent at once."},
                    {{"--sparkplug-rebirth", "a/b", "-t", "x"},
                     "Error: --sparkplug-rebirth makes its own topic and payload: it cannot be used with -t, --json, -0, "
                     "--encode, --encoding, --template or -r."},
                    {{"--sparkplug-rebirth", "a/b", "-r"},
                     "Error: --sparkplug-rebirth makes its own topic and payload: it cannot be used with -t, --json, -0, "
                     "--encode, --encoding, --template or -r."},
                    {{"--sparkplug-rebirth", "a/b", "--encode", "cbor"},
                     "Error: --sparkplug-rebirth makes its own topic and payload: it cannot be used with -t, --json, -0, "
                     "--encode, --encoding, --template or -r."}});
}
