#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "decode_spec.h"

TEST_CASE("--decode takes CODEC or FILTER=CODEC, CODEC a chain of decompressions and one format")
{
    const struct {
        const char* text;
        const char* filter;
        const char* steps;
    } cases[] = {
        {"cbor", "#", "cbor"},
        {"gzip+cbor", "#", "gzip+cbor"},
        {"zstd+gzip+msgpack", "#", "zstd+gzip+msgpack"},
        {"lz4", "#", "lz4"},
        {"auto", "#", "auto"},
        {"sensors/+/raw=msgpack", "sensors/+/raw", "msgpack"},
        {"a=b/#=zlib+json", "a=b/#", "zlib+json"},
        {"dev/#=gzip+protobuf", "dev/#", "gzip+protobuf"},
        {"spBv1.0/G/#=gzip+sparkplug", "spBv1.0/G/#", "gzip+sparkplug"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto parsed = mqtt::parse_decode_rule(c.text);
        REQUIRE(parsed.ok());
        const auto& rule = parsed.value();
        CHECK(rule.filter == c.filter);
        std::string steps;
        for (const auto step : rule.chain.steps) steps += (steps.empty() ? "" : "+") + std::string(mqtt::decode_step_name(step));
        CHECK(steps == c.steps);
    }
}

TEST_CASE("--decode refuses unknown codecs, a format before another step, and bad filters")
{
    const struct {
        const char* text;
        const char* error;
    } cases[] = {
        {"xml",
         "Error: --decode: unknown codec \"xml\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, protobuf, "
         "protobuf:FILE.proto:package.Message, sparkplug, auto; chain them with +, e.g. gzip+cbor)."},
        {"gzip+",
         "Error: --decode: unknown codec \"\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, protobuf, "
         "protobuf:FILE.proto:package.Message, sparkplug, auto; chain them with +, e.g. gzip+cbor)."},
        {"cbor+gzip", "Error: --decode: cbor must be the last step of \"cbor+gzip\"."},
        {"protobuf+zstd", "Error: --decode: protobuf must be the last step of \"protobuf+zstd\"."},
        {"gzip+auto", "Error: --decode: auto cannot follow another step in \"gzip+auto\"."},
        {"protobuf:a.proto", "Error: --decode: \"protobuf:a.proto\" must be written protobuf:FILE.proto:package.Message."},
        {"gzip+protobuf::x.M", "Error: --decode: \"protobuf::x.M\" must be written protobuf:FILE.proto:package.Message."},
        {"protobuf:a.proto:", "Error: --decode: \"protobuf:a.proto:\" must be written protobuf:FILE.proto:package.Message."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto parsed = mqtt::parse_decode_rule(c.text);
        REQUIRE(!parsed.ok());
        CHECK(parsed.error() == c.error);
    }
    auto bad_filter = mqtt::parse_decode_rule("a/#/b=cbor");
    REQUIRE(!bad_filter.ok());
    CHECK(bad_filter.error() == "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?");
}

TEST_CASE("--decode protobuf:FILE.proto:package.Message - the schema takes the rest, split at its last ':'")
{
    auto parsed = mqtt::parse_decode_rule("dev/#=zstd+protobuf:/p/x+y:z/dev.proto:dev.Reading");
    REQUIRE(parsed.ok());
    CHECK(parsed->filter == "dev/#");
    CHECK(parsed->chain.steps == std::vector<mqtt::DecodeStep>{mqtt::DecodeStep::zstd, mqtt::DecodeStep::protobuf});
    CHECK(parsed->chain.proto_file == "/p/x+y:z/dev.proto");
    CHECK(parsed->chain.proto_message == "dev.Reading");
    CHECK(parsed->chain.text == "zstd+protobuf:/p/x+y:z/dev.proto:dev.Reading");
    // Schemaless protobuf has none.
    auto raw = mqtt::parse_decode_rule("protobuf");
    REQUIRE(raw.ok());
    CHECK(raw->chain.proto_file.empty());
    // --encode takes the same form.
    auto encode = mqtt::parse_encode_chain("gzip+protobuf:a.proto:M");
    REQUIRE(encode.ok());
    CHECK(encode->steps == std::vector<mqtt::DecodeStep>{mqtt::DecodeStep::gzip, mqtt::DecodeStep::protobuf});
    CHECK(encode->proto_file == "a.proto");
    CHECK(encode->proto_message == "M");
}
