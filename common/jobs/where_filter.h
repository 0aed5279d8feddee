// --where: a jq expression (jq 1.6, libjq) that decides which messages mqtt-sub prints and
// mqtt-rr takes as the response. It runs on the message's JSON (the decoded payload with
// --decode, else the payload parsed as JSON) with $topic, $qos, $retain and $properties
// bound; the message passes when the first output is neither false nor null.
#pragma once

#include <array>
#include <jv.h>
#include <mosquitto.h>
#include <string>
#include <string_view>

#include "format.h"

struct jq_state;  // jq.h, included where the library is loaded

namespace mqtt {

struct JqLibrary;

/// What the message's topic, flags and properties say, for $topic, $qos, $retain and
/// $properties (the object --json prints as "properties"; {} when there are none).
struct WhereFacts {
    std::string_view topic;
    int qos = 0;
    bool retain = false;
    const mosquitto_property* properties = nullptr;
};

class WhereFilter {
public:
    enum class Verdict {
        passes,
        fails,     ///< false, null or no output
        not_json,  ///< the JSON text is not one JSON value: reason() says why
        error,     ///< the expression raised an error (e.g. `.a` of a string): reason() is jq's message
    };

    /// Loads libjq and compiles `expression` once; throws UsageError with jq's first
    /// message (one line, escaped) when it does not compile or libjq cannot be loaded.
    explicit WhereFilter(const std::string& expression);
    ~WhereFilter();
    WhereFilter(const WhereFilter&) = delete;
    WhereFilter& operator=(const WhereFilter&) = delete;

    /// Runs the expression on `json` (text) with `facts` bound.
    Verdict judge(std::string_view json, const WhereFacts& facts);
    /// Runs it on a received message: on the value --decode made of it (Message::decoded,
    /// JSON or decompressed bytes), else on its payload.
    Verdict judge(const Message& message);
    /// Why the last judge() said not_json or error: one line, escaped, at most about 200 bytes.
    const std::string& reason() const { return m_reason; }

private:
    const JqLibrary* m_jq = nullptr;
    jq_state* m_state = nullptr;
    /// The $properties value for `properties`, made from the JSON --json prints.
    jv properties_value(const mosquitto_property* properties);

    /// Which of $topic, $qos, $retain and $properties the expression names (and so is given).
    std::array<bool, 4> m_binds{};
    std::string m_properties;  ///< the properties' JSON text, reused
    std::string m_reason;
};

/// The stderr text for a message --where could not judge, e.g. "Message payload on topic
/// a/b is not JSON: Invalid literal at line 1, column 4" (topic escaped; no prefix, no full
/// stop).
std::string where_failure_text(std::string_view topic, WhereFilter::Verdict verdict, std::string_view reason);

}  // namespace mqtt
