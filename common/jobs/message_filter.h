// Which received messages mqtt-sub keeps: -T drops topics matching a filter; --grep and
// --grep-topic keep only payloads and topics that match a regular expression (RE2 syntax).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "regex.h"

namespace mqtt {

struct Options;

class MessageFilter {
public:
    /// Compiles the expressions of `options` (already checked by the parser).
    explicit MessageFilter(const Options& options);
    /// True when a message on `topic` with `payload` is to be printed and counted.
    bool keeps(std::string_view topic, std::string_view payload) const { return m_keeps_all || judge(topic, payload); }

private:
    bool judge(std::string_view topic, std::string_view payload) const;

    const std::vector<std::string>& m_filter_out;
    std::optional<Regex> m_payload;
    std::optional<Regex> m_topic;
    bool m_keeps_all;  ///< no -T, --grep or --grep-topic: the common case, decided once
};

}  // namespace mqtt
