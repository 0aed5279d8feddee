#include "terminal_text.h"

namespace mqtt {

namespace {

/// How many bytes the UTF-8 sequence led by `lead` has, or 0 for a byte that leads none.
std::size_t sequence_length(unsigned char lead)
{
    if (lead >= 0xc2 && lead <= 0xdf) return 2;
    if (lead >= 0xe0 && lead <= 0xef) return 3;
    if (lead >= 0xf0 && lead <= 0xf4) return 4;
    return 0;
}

bool is_continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

void append_escaped(std::string& out, unsigned char c)
{
    static constexpr char k_hex[] = "0123456789abcdef";
    out += "\\x";
    out += k_hex[c >> 4];
    out += k_hex[c & 0xf];
}

}  // namespace

std::string escape_control(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                append_escaped(out, c);
            } else {
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::size_t length = sequence_length(c);
        for (std::size_t k = 1; k < length; ++k) {
            if (i + k >= text.size() || !is_continuation(static_cast<unsigned char>(text[i + k]))) length = 0;
        }
        const bool c1_control = length == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0;
        if (length == 0 || c1_control) {
            append_escaped(out, c);  // its continuation byte, if any, is escaped next as a lone byte
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

std::string escape_control_lines(std::string_view text)
{
    std::string out;
    for (;;) {
        const auto end = text.find('\n');
        out += escape_control(text.substr(0, end));
        if (end == std::string_view::npos) return out;
        out += '\n';
        text.remove_prefix(end + 1);
    }
}

}  // namespace mqtt
