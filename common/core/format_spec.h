// The -F format language as text: what `%[-|0][width][.precision][separator]letter`,
// `@letter` and `\escape` mean, parsed once into parts. Choosing how each conversion is
// rendered is output/format.h's job; Options keeps this parsed value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt {

/// The modifiers of one conversion, e.g. "%-08.2:x": flags, width, precision, separator.
struct FormatSpec {
    char conversion = 0;   ///< the letter after '%', or the character after '@'
    bool left = false;     ///< '-': align left, pad with spaces
    bool zero = false;     ///< '0': pad numbers (and %p, %x) with zeros
    int width = 0;         ///< minimum width; 0: none
    int precision = -1;    ///< -1: none
    char separator = ' ';  ///< %x/%X: what goes between groups of `precision` hex digits
};

/// One piece of a format: literal text (escapes already decoded), a '%' conversion, or an
/// '@' time conversion (strftime's letter, or @N for nanoseconds).
struct FormatPart {
    enum class Kind { literal, conversion, time };
    Kind kind = Kind::literal;
    std::string literal;
    FormatSpec spec;
};

/// A parsed -F format.
struct ParsedFormat {
    std::vector<FormatPart> parts;
};

/// The letters that may follow '%' (besides "%%").
inline constexpr std::string_view k_format_conversions = "ACDdEFfIJjlmPpqRrStUVXx";

/// Widths and precisions above this are refused (they would only make huge lines).
inline constexpr int k_max_format_width = 65535;

/// Parses a -F format, or returns the error line (upstream's texts, e.g.
/// "Error: Invalid format specifier 'y'.").
Result<ParsedFormat> parse_format(std::string_view text);

}  // namespace mqtt
