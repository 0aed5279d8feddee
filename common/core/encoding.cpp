#include "encoding.h"

#include <array>

namespace mqtt {

namespace {

constexpr char k_base64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char k_hex_digits[] = "0123456789abcdef";

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// The value of each base64 digit, -1 for other characters.
constexpr std::array<signed char, 256> base64_values()
{
    std::array<signed char, 256> values{};
    for (auto& v : values) v = -1;
    for (int i = 0; i < 64; ++i) values[static_cast<unsigned char>(k_base64_digits[i])] = static_cast<signed char>(i);
    return values;
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

void append_base64(std::string& out, std::string_view bytes)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])); };
    out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned group = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        const char digits[] = {k_base64_digits[group >> 18], k_base64_digits[(group >> 12) & 63],
                               k_base64_digits[(group >> 6) & 63], k_base64_digits[group & 63]};
        out.append(digits, 4);
    }
    const std::size_t left = bytes.size() - i;
    if (left == 0) return;
    const unsigned group = byte(i) << 16 | (left == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(k_base64_digits[group >> 18]);
    out.push_back(k_base64_digits[(group >> 12) & 63]);
    out.push_back(left == 2 ? k_base64_digits[(group >> 6) & 63] : '=');
    out.push_back('=');
}

void append_hex(std::string& out, std::string_view bytes)
{
    out.reserve(out.size() + bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(k_hex_digits[b >> 4]);
        out.push_back(k_hex_digits[b & 15]);
    }
}

std::optional<std::string> decode_base64(std::string_view text)
{
    static constexpr auto k_values = base64_values();
    std::string out;
    out.reserve(text.size() / 4 * 3);
    unsigned group = 0;
    int digits = 0;   // in the current group of four
    int padding = 0;  // '=' seen: only more '=' (and whitespace) may follow
    for (const char c : text) {
        if (is_space(c)) continue;
        if (c == '=') {
            // "xx==" or "xxx=": padding only completes a group of at least two digits.
            if (digits + padding < 2) return std::nullopt;
            ++padding;
            if (digits + padding > 4) return std::nullopt;
            continue;
        }
        const int value = k_values[static_cast<unsigned char>(c)];
        if (value < 0 || padding > 0) return std::nullopt;
        group = group << 6 | static_cast<unsigned>(value);
        if (++digits == 4) {
            out.push_back(static_cast<char>(group >> 16));
            out.push_back(static_cast<char>(group >> 8));
            out.push_back(static_cast<char>(group));
            group = 0;
            digits = 0;
        }
    }
    if (padding > 0) {
        if (digits + padding != 4) return std::nullopt;
        if (digits == 2) {
            if (group & 0x0f) return std::nullopt;  // bits that no byte holds must be zero
            out.push_back(static_cast<char>(group >> 4));
        } else {
            if (group & 0x03) return std::nullopt;
            out.push_back(static_cast<char>(group >> 10));
            out.push_back(static_cast<char>(group >> 2));
        }
    } else if (digits != 0) {
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> decode_hex(std::string_view text)
{
    std::string out;
    out.reserve(text.size() / 2);
    int high = -1;
    for (const char c : text) {
        if (is_space(c)) continue;
        const int value = hex_value(c);
        if (value < 0) return std::nullopt;
        if (high < 0) {
            high = value;
        } else {
            out.push_back(static_cast<char>(high << 4 | value));
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

void append_encoded(std::string& out, std::string_view bytes, Encoding encoding)
{
    switch (encoding) {
    case Encoding::hex: append_hex(out, bytes); break;
    case Encoding::base64: append_base64(out, bytes); break;
    case Encoding::none: out.append(bytes); break;
    }
}

std::optional<std::string> decode(std::string_view text, Encoding encoding)
{
    switch (encoding) {
    case Encoding::hex: return decode_hex(text);
    case Encoding::base64: return decode_base64(text);
    case Encoding::none: break;
    }
    return std::string(text);
}

const char* encoding_name(Encoding encoding)
{
    return encoding == Encoding::hex ? "hex" : encoding == Encoding::base64 ? "base64" : "none";
}

}  // namespace mqtt
