#include "message_filter.h"

#include "options.h"
#include "topic.h"

namespace mqtt {

std::optional<std::string> check_regex(const std::string& expression, const std::string& option)
{
    const Regex compiled(expression, false);
    if (compiled.ok()) return std::nullopt;
    return "Invalid " + option + " expression '" + expression + "': " + compiled.error();
}

MessageFilter::MessageFilter(const Options& options) : m_filter_out(options.filter_out)
{
    if (!options.grep.empty()) m_payload.emplace(options.grep, options.grep_ignore_case);
    if (!options.grep_topic.empty()) m_topic.emplace(options.grep_topic, options.grep_ignore_case);
    m_keeps_all = m_filter_out.empty() && !m_payload && !m_topic;
}

bool MessageFilter::judge(std::string_view topic, std::string_view payload) const
{
    for (const auto& filter : m_filter_out) {
        if (topic_matches(filter, topic)) return false;
    }
    if (m_topic && !m_topic->search(topic)) return false;
    if (m_payload && !m_payload->search(payload)) return false;
    return true;
}

}  // namespace mqtt
