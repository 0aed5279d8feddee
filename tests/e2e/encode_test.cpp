// mqtt-pub --encode (and mqtt-rr's) against a real mosquitto: the bytes sent compared with
// what encoders that are not ours write for the same value (python3-cbor2 in canonical
// mode, python3-msgpack) and read back by decoders that are not ours (gzip, zstd, lz4,
// Python); the round trip mqtt-sub --decode --json | mqtt-pub --json --encode; what cannot
// be encoded, with its line and status.
#include "e2e.h"
#include "encoders.h"

using namespace e2e;
using namespace std::string_literals;

namespace {

/// The CBOR python3-cbor2 makes of `value` in canonical mode (RFC 7049 section 3.9: shortest
/// floats and heads, map keys sorted by length first).
std::string canonical_cbor(const std::string& value)
{
    return encoded_by(
        {"/usr/bin/python3", "-c", "import sys, cbor2; sys.stdout.buffer.write(cbor2.dumps(" + value + ", canonical=True))"});
}

/// The payloads of `count` messages on `filter` that mqtt-pub `pub_args` (QoS 1 added) sends,
/// each as its lower-case hex on a line (mqtt-sub -F %x), and the publisher's run.
struct Sent {
    std::vector<std::string> hex;
    test::Result publisher;
};

Sent sent_by(const test::Broker& broker, const std::string& id, const std::string& filter, int count, const Args& pub_args,
             const std::string& input = {})
{
    Sent sent;
    const test::Result r = run_subscriber(
        broker, id, sub(broker, {"-i", id, "-q", "1", "-t", filter, "-C", std::to_string(count), "-W", "20", "-F", "%x"}),
        [&] {
            Args args{"-q", "1"};
            args.insert(args.end(), pub_args.begin(), pub_args.end());
            sent.publisher = test::run(pub(broker, args), input, 30s);
        },
        30s);
    CHECK(r.status == 0);
    CHECK(r.err == "");
    sent.hex = split_lines(r.out);
    return sent;
}

std::string hex(const std::string& bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const char byte : bytes) {
        const auto c = static_cast<unsigned char>(byte);
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

std::string unhex(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16)));
    return out;
}

}  // namespace

TEST_CASE("encode: -m as CBOR is what python3-cbor2 writes canonically, as MessagePack what python3-msgpack writes")
{
    test::Broker broker;
    // Keys in canonical order (shorter first, then bytewise), since canonical cbor2 sorts them and --encode
    // keeps them.
    const std::string json =
        R"({"n":9007199254740993,"t":21.5,"u":{"$undefined":true},"id":"dev-17","big":1.1,"neg":-300,)"
        R"("raw":{"$bytes":"AQID"},"none":null,"tags":[1,-2,true],"small":0.5,"tagged":{"$tag":1234,"value":"x"}})";
    const std::string python = R"({"n": 2**53 + 1, "t": 21.5, "u": cbor2.undefined, "id": "dev-17", "raw": b"\x01\x02\x03",)"
                               R"( "big": 1.1, "neg": -300, "none": None, "tags": [1, -2, True], "small": 0.5,)"
                               R"( "tagged": cbor2.CBORTag(1234, "x")})";
    Sent cbor_sent = sent_by(broker, "enc-cbor", "e/cbor", 1, {"-t", "e/cbor", "--encode", "cbor", "-m", json});
    check_ended(cbor_sent.publisher, 0, "");
    CHECK(cbor_sent.hex == std::vector<std::string>{hex(canonical_cbor(python))});

    const std::string mp_json = R"({"id":"dev-17","t":21.5,"raw":{"$bytes":"AQID"},"big":18446744073709551615,)"
                                R"("neg":-9223372036854775808,"ext":{"$ext":5,"data":"Kg=="},"list":[null,false,1.5],"$x":1})";
    Sent mp_sent =
        sent_by(broker, "enc-mp", "e/mp", 1, {"-t", "e/mp", "--encode", "msgpack", "-m", R"({"$map":[["k",)" + mp_json + "]]}"});
    check_ended(mp_sent.publisher, 0, "");
    const std::string mp_python = R"({"k": {"id": "dev-17", "t": 21.5, "raw": b"\x01\x02\x03", "big": 2**64 - 1, "neg": -2**63,)"
                                  R"( "ext": msgpack.ExtType(5, b"*"), "list": [None, False, 1.5], "$x": 1}})";
    CHECK(mp_sent.hex == std::vector<std::string>{hex(msgpack(mp_python))});
}

TEST_CASE("encode: compressed chains are read back by gzip, zstd, lz4 and Python, and -l, -f and -s are each encoded")
{
    test::Broker broker;
    TempDir dir;
    const std::string json = R"({"level":"info","text":"compressed"})";
    const Sent sent = sent_by(broker, "enc-chains", "e/z", 2, {"-t", "e/z", "-l", "--encode", "gzip+json"},
                              json + "\n" +
                                  R"({ "level" : "warn" })"
                                  "\n");
    REQUIRE(sent.hex.size() >= 2);
    CHECK(decoded_by({"/bin/gzip", "-dc"}, unhex(sent.hex[0])) == json);
    CHECK(decoded_by({"/bin/gzip", "-dc"}, unhex(sent.hex[1])) == R"({"level":"warn"})");

    const Sent zstd_sent =
        sent_by(broker, "enc-zstd", "e/zs", 1, {"-t", "e/zs", "-f", dir.write("reading.json", json), "--encode", "zstd+cbor"});
    REQUIRE(zstd_sent.hex.size() == 1);
    CHECK(decoded_by({"/usr/bin/python3", "-c", "import sys, cbor2; print(cbor2.loads(sys.stdin.buffer.read()))"},
                     decoded_by({"/usr/bin/zstd", "-dcq"}, unhex(zstd_sent.hex[0]))) ==
          "{'level': 'info', 'text': 'compressed'}\n");

    const Sent lz4_sent = sent_by(broker, "enc-lz4", "e/lz", 1, {"-t", "e/lz", "-s", "--encode", "lz4+msgpack"}, json);
    REQUIRE(lz4_sent.hex.size() == 1);
    CHECK(decoded_by({"/usr/bin/python3", "-c", "import sys, msgpack; print(msgpack.unpackb(sys.stdin.buffer.read()))"},
                     decoded_by({"/usr/bin/lz4", "-dcq"}, unhex(lz4_sent.hex[0]))) ==
          "{'level': 'info', 'text': 'compressed'}\n");

    // Compressions alone compress the bytes as they are, JSON or not.
    const Sent raw = sent_by(broker, "enc-zlib", "e/zl", 1, {"-t", "e/zl", "-m", "not JSON at all", "--encode", "zlib"});
    REQUIRE(raw.hex.size() == 1);
    CHECK(decoded_by(
              {"/usr/bin/python3", "-c", "import sys, zlib; sys.stdout.write(zlib.decompress(sys.stdin.buffer.read()).decode())"},
              unhex(raw.hex[0])) == "not JSON at all");
}

TEST_CASE("encode: mqtt-sub --decode --json | mqtt-pub --json --encode gives back the bytes of canonical payloads")
{
    test::Broker broker;
    TempDir dir;
    const std::vector<std::pair<std::string, std::string>> originals = {
        {"d/1", canonical_cbor(R"({"t": 21.5, "raw": b"\x00\xff", "n": [1, -1, 2**64 - 1, -2**64], "x": float("inf")})")},
        {"d/2", canonical_cbor(R"([cbor2.CBORTag(1, 1700000000), {1: "int key"}, {"$price": 3}, None])")},
        {"d/3", canonical_cbor(R"({"nested": [[[{"deep": True}]]], "f": 100000.0, "h": 1.5, "d": 1.1})")},
    };
    const std::string saved = dir.path() + "/saved.jsonl";
    const test::Result recorded = run_subscriber(
        broker, "recorder",
        with_stdout_to(
            saved, sub(broker, {"-i", "recorder", "-q", "1", "-t", "d/#", "-C", "3", "-W", "20", "--decode", "cbor", "--json"})),
        [&] {
            for (const auto& [topic, payload] : originals)
                publish(broker, {"-q", "1", "-t", topic, "-f", dir.write("p", payload)});
        },
        30s);
    check_ended(recorded, 0, "");
    // The records carry the raw payload too: --encode sends payload_decoded, not it.
    CHECK(read_file(saved).find(R"({"$map":[["$price",3]]})") != std::string::npos);

    const Sent again = sent_by(broker, "replayer", "d/#", 3, {"--json", "-f", saved, "--encode", "cbor"});
    check_ended(again.publisher, 0, "");
    std::vector<std::string> expected;
    for (const auto& original : originals) expected.push_back(hex(original.second));
    CHECK(again.hex == expected);

    // MessagePack from python3-msgpack, likewise.
    const std::string packed =
        msgpack(R"({"id": "p-4", "bar": 2.25, "bin": b"\x01", "neg": -33, "e": msgpack.ExtType(7, b"\x00\x00\x00\x01")})");
    publish(broker, {"-r", "-q", "1", "-t", "m/1", "-f", dir.write("m", packed)});
    const test::Result record =
        test::run(sub(broker, {"-t", "m/1", "-C", "1", "-W", "20", "--decode", "msgpack", "--json"}), {}, 30s);
    REQUIRE(record.status == 0);
    const Sent replayed =
        sent_by(broker, "mp-replayer", "m/2", 1, {"--json", "--encode", "msgpack"},
                R"({"topic":"m/2","payload_decoded":)" + record.out.substr(record.out.find(R"("payload_decoded":)") + 18));
    check_ended(replayed.publisher, 0, "");
    CHECK(replayed.hex == std::vector<std::string>{hex(packed)});
}

TEST_CASE("encode: --template fills the placeholders, then encodes each message")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "templated", sub(broker, {"-i", "templated", "-q", "1", "-t", "tp", "-C", "3", "-W", "20", "--decode", "cbor"}),
        [&] {
            publish(broker, {"-q", "1", "-t", "tp", "--template", "--repeat", "3", "--encode", "cbor", "-m", R"({{"n":{seq}}})"});
        },
        30s);
    check_ended(r, 0, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
}

TEST_CASE("encode: a payload that cannot be encoded - the one payload before connecting, a line by its number")
{
    test::Broker broker;
    TempDir dir;
    // As for a file that cannot be read: the line, without the usage hint (the command line is right).
    check_ended(test::run(pub(broker, {"-t", "x", "--encode", "cbor", "-m", R"({"a":)"}), {}, 30s), 1, "",
                "Error: --encode cbor: the -m message is not JSON at byte 6: a value is missing.\n");
    check_ended(
        test::run(pub(broker, {"-t", "x", "--encode", "msgpack", "-f", dir.write("bad.json", R"([{"$tag":1,"value":2}])")}), {},
                  30s),
        1, "", "Error: --encode msgpack: the file cannot be written as msgpack: a CBOR tag ($tag) has no MessagePack form.\n");
    // The broker never saw a connection for those.
    CHECK(broker.log().find("New client connected") == std::string::npos);

    // A stream: the good lines are sent; the bad one stops it (status 1), or is skipped.
    const std::string lines = "{\"n\":1}\nhello\n{\"n\":3}\n";
    const Sent stopped = sent_by(broker, "enc-stop", "s", 1, {"-t", "s", "-l", "--encode", "cbor"}, lines);
    check_ended(stopped.publisher, 1, "",
                "Error: Line 2: --encode cbor: the payload is not JSON at byte 1: not a JSON value.\n"
                "Account: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
    CHECK(stopped.hex == std::vector<std::string>{"a1616e01"});
    const Sent skipped = sent_by(broker, "enc-skip", "s", 2, {"-t", "s", "-l", "--encode", "cbor", "--on-error", "skip"}, lines);
    check_ended(skipped.publisher, 1, "",
                "Warning: Line 2 skipped: --encode cbor: the payload is not JSON at byte 1: not a JSON value.\n"
                "Error: 1 bad line skipped (the first: line 2).\n"
                "Account: sent 2, acknowledged 2, refused 0, not acknowledged 0.\n");
    CHECK(skipped.hex == std::vector<std::string>{"a1616e01", "a1616e03"});

    check_refusals(
        "mqtt-pub", {"-t", "x"},
        {{{"-m", "1", "--encode", "auto"},
          "Error: --encode: unknown codec \"auto\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, "
          "protobuf:FILE.proto:package.Message; chain them with +, e.g. gzip+cbor)."},
         {{"-m", "1", "--encode", "cbor+gzip"}, "Error: --encode: cbor must be the last step of \"cbor+gzip\"."},
         {{"-n", "--encode", "cbor"}, "Error: --encode needs a payload to encode; -n sends none."},
         {{"-m", "00", "--encode", "gzip", "--encoding", "hex"}, "Error: --encode and --encoding cannot be used together."},
         {{"-m", "1", "--encode", "cbor", "--stamp", "-V", "311"},
          "Error: --stamp cannot be used with --encode below MQTT 5 (-V 5), where the stamp is a payload prefix."}});
}

TEST_CASE("encode: MQTT_ENCODE, as every option has its variable")
{
    test::Broker broker;
    TempDir dir;
    const test::Result r = run_subscriber(
        broker, "enc-env", sub(broker, {"-i", "enc-env", "-q", "1", "-t", "v", "-C", "1", "-W", "20", "-F", "%x"}),
        [&] {
            check_ended(
                test::run(with_env(dir.path(), {"MQTT_ENCODE=msgpack"}, pub(broker, {"-q", "1", "-t", "v", "-m", "[1,\"a\"]"})),
                          {}, 30s),
                0, "");
        },
        30s);
    check_ended(r, 0, "9201a161\n");
}
