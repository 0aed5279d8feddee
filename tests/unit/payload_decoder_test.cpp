#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "payload_decoder.h"

using mqtt::Decoded;

namespace {

std::vector<mqtt::DecodeRule> rules(std::initializer_list<const char*> texts)
{
    std::vector<mqtt::DecodeRule> out;
    for (const char* text : texts) out.push_back(mqtt::parse_decode_rule(text).value());
    return out;
}

}  // namespace

TEST_CASE("the first --decode whose filter matches the topic decodes, and no match leaves the payload alone")
{
    const auto list = rules({"dev/+/cbor=cbor", "dev/#=msgpack", "json/#=json"});
    mqtt::PayloadDecoder decoder(list);
    CHECK(decoder.active());

    Decoded cbor = decoder.decode("dev/1/cbor", "\xa1\x61x\x01");
    CHECK(cbor.kind == Decoded::Kind::json);
    CHECK(cbor.value == R"({"x":1})");

    Decoded msgpack = decoder.decode("dev/1/other", "\x81\xa1x\x02");
    CHECK(msgpack.kind == Decoded::Kind::json);
    CHECK(msgpack.value == R"({"x":2})");

    Decoded json = decoder.decode("json/a", " { \"a\" : [ 1 , 2 ] } ");
    CHECK(json.kind == Decoded::Kind::json);
    CHECK(json.value == R"({"a":[1,2]})");

    CHECK(decoder.decode("other", "\x01").kind == Decoded::Kind::none);
    CHECK(decoder.decode("dev/1/cbor", "").kind == Decoded::Kind::none);  // empty: printed as without --decode
}

TEST_CASE("a payload that does not decode gives the line for stderr, topic escaped, with the offset")
{
    const auto list = rules({"x/#=gzip+cbor", "cbor"});
    mqtt::PayloadDecoder decoder(list);
    const Decoded bad = decoder.decode("a/\x1b[31m", "\x83\x01");
    CHECK(bad.kind == Decoded::Kind::failed);
    CHECK(mqtt::decode_failure_text("a/\x1b[31m", bad) ==
          "Message payload on topic a/\\x1b[31m does not decode as cbor: truncated: the data ends inside an item at byte 2");
    const Decoded not_gzip = decoder.decode("x/y", "plain");
    CHECK(not_gzip.kind == Decoded::Kind::failed);
    CHECK(mqtt::decode_failure_text("x/y", not_gzip)
              .starts_with("Message payload on topic x/y does not decode as gzip+cbor: gzip: "));
    CHECK(mqtt::PayloadDecoder(list).decode("y", "\xa1\x61x\x01").kind == Decoded::Kind::json);
}

TEST_CASE("auto: JSON is re-rendered compact, anything else is left alone")
{
    const auto list = rules({"auto"});
    mqtt::PayloadDecoder decoder(list);
    const Decoded json = decoder.decode("t", "[1, 2,\n 3]");
    CHECK(json.kind == Decoded::Kind::json);
    CHECK(json.value == "[1,2,3]");
    CHECK(decoder.decode("t", "22.5 C").kind == Decoded::Kind::none);
    CHECK(decoder.decode("t", "x^ not zlib").kind == Decoded::Kind::none);  // zlib's weak magic, not a stream
}
