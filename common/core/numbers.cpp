#include "numbers.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace mqtt {

namespace {

/// `text` without the spaces and tabs around it.
std::string trim_blanks(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::optional<long long> parse_integer(const std::string& given, long long min, long long max)
{
    const std::string text = trim_blanks(given);
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::size_t i = 0;
    bool negative = false;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
        if (text.size() == 1) return std::nullopt;
    }
    long long value = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
        if (value > 99999999999LL) return std::nullopt;  // beyond any range we accept
    }
    if (negative) value = -value;
    if (value < min || value > max) return std::nullopt;
    return value;
}

std::optional<double> parse_non_negative(const std::string& given)
{
    const std::string text = trim_blanks(given);
    if (text.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(value) || value < 0) { return std::nullopt; }
    return value;
}

}  // namespace mqtt
