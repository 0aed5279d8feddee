// --decode as text: "CODEC" or "FILTER=CODEC", where CODEC is a chain such as "gzip+cbor"
// (decompression steps, then at most one format; protobuf with a schema,
// "protobuf:FILE.proto:package.Message", takes the rest of the text, '+' and ':' included) or "auto"; --encode's CODEC, the same
// chain read the other way (mqtt-pub --encode gzip+cbor writes what --decode gzip+cbor
// reads). Parsed once on the command line; common/codec/ does the work. Options keeps them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt {

/// One step of a --decode chain.
enum class DecodeStep { gzip, zlib, zstd, lz4, json, cbor, msgpack, protobuf, automatic };

/// A parsed CODEC: the steps in order (decompressions first, the format last if any).
struct DecodeChain {
    std::vector<DecodeStep> steps;
    std::string text;  ///< as the user wrote it, for error lines
    /// protobuf:FILE.proto:package.Message (a schema; both empty for schemaless protobuf).
    std::string proto_file;
    std::string proto_message;
};

/// One --decode: the chain for messages whose topic matches `filter` ("#" when none given).
struct DecodeRule {
    std::string filter;
    DecodeChain chain;
};

/// The name of `step` as --decode spells it.
std::string_view decode_step_name(DecodeStep step);

/// Whether `step` is a decompression (gzip, zlib, zstd, lz4) rather than a format.
bool decompresses(DecodeStep step);

/// Parses --encode's CODEC: decompressions (as compressions), then at most one of json,
/// cbor, msgpack and protobuf:FILE.proto:package.Message; or returns the error line
/// ("Error: --encode ...").
Result<DecodeChain> parse_encode_chain(std::string_view text);

/// Parses "CODEC" or "FILTER=CODEC" (the filter split at the last '='), or returns the error
/// line ("Error: --decode ...").
Result<DecodeRule> parse_decode_rule(std::string_view text);

}  // namespace mqtt
