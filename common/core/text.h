// Small ASCII text helpers shared by the option checks and the protocol parsers (HTTP
// header names, TLS option values): no locale, bytes above 0x7f left as they are.
#pragma once

#include <string>
#include <string_view>

namespace mqtt {

/// `text` with A-Z turned to a-z.
std::string lower_case(std::string_view text);
/// True when `a` and `b` are equal but for the case of A-Z.
bool equal_nocase(std::string_view a, std::string_view b);
/// True when every character of `text` is a hex digit (true for an empty text).
bool is_hex(std::string_view text);

}  // namespace mqtt
