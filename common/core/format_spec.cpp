#include "format_spec.h"

#include <fmt/format.h>

#include "utf8.h"

namespace mqtt {

namespace {

/// What may stand between the precision and the letter of %x/%X.
constexpr std::string_view k_group_separators = "!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~ ";

/// The character at text[at] for an error line: a whole UTF-8 character where there is one.
std::string_view character_at(std::string_view text, std::size_t at)
{
    const std::size_t length = utf8_sequence_length(text, at);
    return text.substr(at, length > 0 ? length : 1);
}

}  // namespace

Result<ParsedFormat> parse_format(std::string_view text)
{
    static constexpr const char* k_incomplete = "Error: Incomplete format specifier.";
    ParsedFormat format;
    std::string literal;
    const auto add = [&](FormatPart::Kind kind, const FormatSpec& spec) {
        if (!literal.empty()) format.parts.push_back({FormatPart::Kind::literal, std::move(literal), {}});
        literal.clear();
        format.parts.push_back({kind, {}, spec});
    };
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };

    std::size_t i = 0;
    // Reads digits into `value`; false if the number is too large.
    const auto read_number = [&](int& value) {
        for (; i < text.size() && is_digit(text[i]); ++i) {
            value = value * 10 + (text[i] - '0');
            if (value > k_max_format_width) return false;
        }
        return true;
    };
    while (i < text.size()) {
        const char c = text[i++];
        if (c == '%') {
            // %[-|0][width][.precision][separator]letter
            FormatSpec spec;
            if (i < text.size() && (text[i] == '-' || text[i] == '0')) {
                spec.left = text[i] == '-';
                spec.zero = text[i] == '0';
                ++i;
            }
            bool fits = read_number(spec.width);
            if (i < text.size() && text[i] == '.') {
                ++i;
                spec.precision = 0;
                fits = fits && read_number(spec.precision);
            }
            if (!fits) return Error{fmt::format("Error: Format width or precision larger than {}.", k_max_format_width)};
            if (i < text.size() && k_group_separators.find(text[i]) != std::string_view::npos) spec.separator = text[i++];
            if (i >= text.size()) return Error{std::string(k_incomplete)};
            const char letter = text[i];
            if (letter == '%') {
                literal.push_back('%');
                ++i;
                continue;
            }
            if (letter == 0 || k_format_conversions.find(letter) == std::string_view::npos) {
                return Error{fmt::format("Error: Invalid format specifier '{}'.", character_at(text, i))};
            }
            ++i;
            spec.conversion = letter;
            add(FormatPart::Kind::conversion, spec);
        } else if (c == '@') {
            if (i >= text.size()) return Error{std::string(k_incomplete)};
            const char letter = text[i++];
            if (letter == '@') {
                literal.push_back('@');
            } else {
                FormatSpec spec;
                spec.conversion = letter;
                add(FormatPart::Kind::time, spec);
            }
        } else if (c == '\\') {
            if (i >= text.size()) return Error{"Error: Incomplete escape specifier."};
            switch (text[i]) {
            case '\\': literal.push_back('\\'); break;
            case '0': literal.push_back('\0'); break;
            case 'a': literal.push_back('\a'); break;
            case 'e': literal.push_back('\x1b'); break;
            case 'n': literal.push_back('\n'); break;
            case 'r': literal.push_back('\r'); break;
            case 't': literal.push_back('\t'); break;
            case 'v': literal.push_back('\v'); break;
            default: return Error{fmt::format("Error: Invalid escape specifier '{}'.", character_at(text, i))};
            }
            ++i;
        } else {
            literal.push_back(c);
        }
    }
    if (!literal.empty()) format.parts.push_back({FormatPart::Kind::literal, std::move(literal), {}});
    return format;
}

}  // namespace mqtt
