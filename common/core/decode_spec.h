// --decode as text: "CODEC" or "FILTER=CODEC", where CODEC is a chain such as "gzip+cbor"
// (decompression steps, then at most one format) or "auto". Parsed once on the command
// line; common/codec/ does the decoding. Options keeps the parsed rules.
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
};

/// One --decode: the chain for messages whose topic matches `filter` ("#" when none given).
struct DecodeRule {
    std::string filter;
    DecodeChain chain;
};

/// The name of `step` as --decode spells it.
std::string_view decode_step_name(DecodeStep step);

/// Parses "CODEC" or "FILTER=CODEC" (the filter split at the last '='), or returns the error
/// line ("Error: --decode ...").
Result<DecodeRule> parse_decode_rule(std::string_view text);

}  // namespace mqtt
