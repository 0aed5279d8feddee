#include "regex.h"

namespace mqtt {

namespace {

constexpr auto k_syntax = std::regex::ECMAScript | std::regex::optimize;

}  // namespace

Regex::Regex(const std::string& expression) : m_regex(expression, k_syntax) {}

bool Regex::search(std::string_view text) const
{
    return std::regex_search(text.begin(), text.end(), m_regex);
}

std::optional<std::string> check_regex(const std::string& expression, const std::string& option)
{
    try {
        Regex compiled(expression);
    } catch (const std::regex_error& e) {
        return "Invalid " + option + " expression '" + expression + "': " + e.what();
    }
    return std::nullopt;
}

}  // namespace mqtt
