#include "exec_spec.h"

#include <fmt/format.h>

#include "quote.h"
#include "topic.h"

namespace mqtt {

namespace {

bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Result<std::vector<std::string>> split_command(std::string_view text)
{
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (blank(c)) {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else if (c == '\'') {
            const std::size_t end = text.find('\'', i + 1);
            if (end == std::string_view::npos) {
                return Error{fmt::format("Error: --exec command {} has an unterminated single quote.", quote_value(text))};
            }
            word.append(text.substr(i + 1, end - i - 1));
            in_word = true;
            i = end;
        } else if (c == '"') {
            std::size_t j = i + 1;
            for (; j < text.size() && text[j] != '"'; ++j) {
                if (text[j] == '\\' && j + 1 < text.size() && (text[j + 1] == '"' || text[j + 1] == '\\')) ++j;
                word.push_back(text[j]);
            }
            if (j >= text.size()) {
                return Error{fmt::format("Error: --exec command {} has an unterminated double quote.", quote_value(text))};
            }
            in_word = true;
            i = j;
        } else if (c == '\\') {
            if (i + 1 >= text.size()) {
                return Error{fmt::format("Error: --exec command {} ends with a backslash.", quote_value(text))};
            }
            word.push_back(text[++i]);
            in_word = true;
        } else {
            word.push_back(c);
            in_word = true;
        }
    }
    if (in_word) words.push_back(std::move(word));
    if (words.empty()) return Error{fmt::format("Error: --exec command {} is empty.", quote_value(text))};
    return words;
}

Result<ExecRule> parse_exec_rule(std::string_view text)
{
    ExecRule rule;
    std::string_view command = text;
    const std::size_t equals = text.find('=');
    const bool is_rule = equals != std::string_view::npos && equals > 0 &&
        text.substr(0, equals).find_first_of(" \t\r\n'\"\\") == std::string_view::npos;
    if (is_rule) {
        rule.filter = std::string(text.substr(0, equals));
        command = text.substr(equals + 1);
        if (auto checked = check_filter(rule.filter, "--exec"); !checked.ok())
            return Error{fmt::format("Error: {}", checked.error())};
    } else {
        rule.filter.push_back('#');
    }
    auto words = split_command(command);
    if (!words) return Error{std::move(words.error())};
    rule.argv = std::move(*words);
    rule.text = std::string(command);
    return rule;
}

const ExecRule* find_exec_rule(const std::vector<ExecRule>& rules, std::string_view topic)
{
    for (const auto& rule : rules) {
        if (topic_matches(rule.filter, topic)) return &rule;
    }
    return nullptr;
}

}  // namespace mqtt
