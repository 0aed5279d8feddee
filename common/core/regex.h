// The regular expressions of --grep and --grep-topic: one engine behind one small type, so
// that the command line checks an expression with the same engine that later matches it.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace mqtt {

/// A compiled expression (ECMAScript dialect), searched for anywhere in a text.
class Regex {
public:
    /// Compiles `expression`; throws std::regex_error when it is not valid (check_regex says why).
    explicit Regex(const std::string& expression);
    /// True when the expression matches somewhere in `text`.
    bool search(std::string_view text) const;

private:
    std::regex m_regex;
};

/// The error text for an invalid --grep/--grep-topic expression, or nullopt if it compiles.
std::optional<std::string> check_regex(const std::string& expression, const std::string& option);

}  // namespace mqtt
