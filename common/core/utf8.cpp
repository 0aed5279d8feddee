#include "utf8.h"

namespace mqtt {

namespace {

bool in_range(unsigned char c, unsigned char low, unsigned char high)
{
    return c >= low && c <= high;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view bytes, std::size_t at)
{
    const std::size_t left = bytes.size() - at;
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(bytes[at + i]); };
    const unsigned char lead = b(0);
    if (lead < 0x80) return 1;
    // The ranges of the Unicode standard's table 3-7 (well-formed UTF-8 byte sequences).
    if (in_range(lead, 0xc2, 0xdf)) return left >= 2 && in_range(b(1), 0x80, 0xbf) ? 2 : 0;
    if (in_range(lead, 0xe0, 0xef)) {
        if (left < 3) return 0;
        const unsigned char low = lead == 0xe0 ? 0xa0 : 0x80;
        const unsigned char high = lead == 0xed ? 0x9f : 0xbf;
        return in_range(b(1), low, high) && in_range(b(2), 0x80, 0xbf) ? 3 : 0;
    }
    if (in_range(lead, 0xf0, 0xf4)) {
        if (left < 4) return 0;
        const unsigned char low = lead == 0xf0 ? 0x90 : 0x80;
        const unsigned char high = lead == 0xf4 ? 0x8f : 0xbf;
        return in_range(b(1), low, high) && in_range(b(2), 0x80, 0xbf) && in_range(b(3), 0x80, 0xbf) ? 4 : 0;
    }
    return 0;
}

bool is_utf8(std::string_view bytes)
{
    for (std::size_t i = 0; i < bytes.size();) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence_length(bytes, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

}  // namespace mqtt
