// CBOR (RFC 8949) to JSON: libcbor's streaming decoder reads one item head at a time and
// ValueWriter lays the items out, so nesting never recurses and a declared length larger
// than the payload is reported as truncation before anything is allocated for it.
#pragma once

#include <string>
#include <string_view>

#include "value_writer.h"

namespace mqtt {

/// Appends the one CBOR data item `data` holds as compact JSON, or returns why it cannot
/// (with the byte offset of the item at fault); on failure `out` is as it was.
DecodeStatus cbor_to_json(std::string_view data, std::string& out);

}  // namespace mqtt
