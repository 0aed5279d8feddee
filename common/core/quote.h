// Values shown in error lines: in quotes, so that a space at either end shows, and cut to a
// readable length, so that a value of megabytes cannot flood the terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mqtt {

/// How much of a value an error line shows.
inline constexpr std::size_t k_shown_value_bytes = 64;

/// `value` as is when short; else its first k_shown_value_bytes bytes (not cutting a UTF-8
/// character) followed by "... (N bytes)".
std::string cut_value(std::string_view value);

/// `value` in double quotes, cut as cut_value does: "a b " or "aaaa..."... (9000 bytes).
std::string quote_value(std::string_view value);

/// `text` as one word for a POSIX shell: in single quotes, each ' written as '\''. Nothing
/// inside is expanded, so "$share/g/x" stays as it is.
std::string shell_quote(std::string_view text);

}  // namespace mqtt
