// MessagePack to JSON: msgpack-cxx's visitor parser (an explicit stack, no recursion, no
// allocation for declared lengths) feeds ValueWriter, which bounds the nesting.
#pragma once

#include <string>
#include <string_view>

#include "value_writer.h"

namespace mqtt {

/// Appends the one MessagePack object `data` holds as compact JSON, or returns why it
/// cannot (with a byte offset where the parser gives one); on failure `out` is as it was.
DecodeStatus msgpack_to_json(std::string_view data, std::string& out);

}  // namespace mqtt
