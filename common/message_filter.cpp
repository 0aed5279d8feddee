#include "message_filter.h"

#include "options.h"
#include "topic.h"

namespace mqtt {

namespace {

constexpr auto k_syntax = std::regex::ECMAScript | std::regex::optimize;

}  // namespace

std::optional<std::string> check_regex(const std::string& expression, const std::string& option)
{
    try {
        std::regex compiled(expression, k_syntax);
    } catch (const std::regex_error& e) {
        return "Invalid " + option + " expression '" + expression + "': " + e.what();
    }
    return std::nullopt;
}

MessageFilter::MessageFilter(const Options& options) : m_filter_out(options.filter_out)
{
    if (!options.grep.empty()) m_payload.emplace(options.grep, k_syntax);
    if (!options.grep_topic.empty()) m_topic.emplace(options.grep_topic, k_syntax);
    m_keeps_all = m_filter_out.empty() && !m_payload && !m_topic;
}

bool MessageFilter::judge(std::string_view topic, std::string_view payload) const
{
    for (const auto& filter : m_filter_out) {
        if (topic_matches(filter, topic)) return false;
    }
    if (m_topic && !std::regex_search(topic.begin(), topic.end(), *m_topic)) return false;
    if (m_payload && !std::regex_search(payload.begin(), payload.end(), *m_payload)) return false;
    return true;
}

}  // namespace mqtt
