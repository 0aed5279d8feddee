// Protobuf without a schema (--decode protobuf), as `protoc --decode_raw` reads it: field
// numbers and wire types, a length-delimited field shown as a message when it parses fully
// as one, else as a string when it is UTF-8, else as bytes. Our own reader of the wire
// format (no Debian package has one), walked with an explicit stack into ValueWriter.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "value_writer.h"

namespace mqtt {

/// Deepest nesting of messages and groups (protoc's default recursion limit): a
/// length-delimited field deeper than this is shown as a string or bytes, a group is refused.
inline constexpr std::size_t k_protobuf_max_depth = 100;

/// Appends the message `data` holds as compact JSON: an object keyed by field number (in the
/// order each number first appears; a number seen more than once holds an array), varints as
/// unsigned integers, {"$fixed32":n}, {"$fixed64":n}, {"$group":{...}}; or returns why it
/// cannot, with the byte offset. On failure `out` is as it was.
std::optional<DecodeError> protobuf_raw_to_json(std::string_view data, std::string& out);

}  // namespace mqtt
