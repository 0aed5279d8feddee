#include <doctest/doctest.h>

#include <string>

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
        {"xml", "Error: --decode: unknown codec \"xml\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, protobuf, sparkplug, auto; "
                "chain them with +, e.g. gzip+cbor)."},
        {"gzip+", "Error: --decode: unknown codec \"\" (known: gzip, zlib, zstd, lz4, json, cbor, msgpack, protobuf, sparkplug, auto; "
                  "chain them with +, e.g. gzip+cbor)."},
        {"cbor+gzip", "Error: --decode: cbor must be the last step of \"cbor+gzip\"."},
        {"protobuf+zstd", "Error: --decode: protobuf must be the last step of \"protobuf+zstd\"."},
        {"gzip+auto", "Error: --decode: auto cannot follow another step in \"gzip+auto\"."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto parsed = mqtt::parse_decode_rule(c.text);
        REQUIRE(!parsed.ok());
        CHECK(parsed.error() == c.error);
    }
    auto bad_filter = mqtt::parse_decode_rule("a/#/b=cbor");
    REQUIRE(!bad_filter.ok());
    CHECK(bad_filter.error() ==
          "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?");
}
