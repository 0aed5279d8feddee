#include "quote.h"

#include <fmt/format.h>

namespace mqtt {

namespace {

/// The first bytes of `value` an error line shows, ending on a UTF-8 character boundary.
std::string_view shown_part(std::string_view value)
{
    std::size_t end = k_shown_value_bytes;
    while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xc0) == 0x80) --end;  // a continuation byte
    return value.substr(0, end);
}

}  // namespace

std::string cut_value(std::string_view value)
{
    if (value.size() <= k_shown_value_bytes) return std::string(value);
    return fmt::format("{}... ({} bytes)", shown_part(value), value.size());
}

std::string quote_value(std::string_view value)
{
    if (value.size() <= k_shown_value_bytes) return fmt::format("\"{}\"", value);
    return fmt::format("\"{}\"... ({} bytes)", shown_part(value), value.size());
}

std::string shell_quote(std::string_view text)
{
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

}  // namespace mqtt
