// Numbers as options and URLs give them: strict base-10 integers in a range, and
// non-negative decimals (seconds, rates). The whole text must be the number.
#pragma once

#include <optional>
#include <string>

namespace mqtt {

/// Parses an integer for an option: all of `text` must be a base-10 number in
/// [min, max], else nullopt. Spaces and tabs around it are allowed, as upstream's atoi
/// allows them ("-p  1883" in an options file gives the value " 1883").
std::optional<long long> parse_integer(const std::string& text, long long min, long long max);
/// Parses a non-negative decimal number (e.g. "0.5" seconds), spaces and tabs around it
/// allowed; nullopt if not one.
std::optional<double> parse_non_negative(const std::string& text);

}  // namespace mqtt
