// UTF-8 as the Unicode standard defines it (table 3-7): what JSON output, -F and error
// lines need to know about a payload's bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace mqtt {

/// Length of the valid UTF-8 sequence that starts at bytes[at], or 0 if none starts there
/// (overlong forms, surrogates and values above U+10FFFF are not valid).
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t at);

/// Whether all of `bytes` is valid UTF-8 (NUL included): then append_json_string escapes
/// no byte as \u00xx of its value, and the string decodes back to exactly `bytes`.
bool is_utf8(std::string_view bytes);

}  // namespace mqtt
