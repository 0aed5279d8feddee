// Topic names and filters: the checks upstream makes on -t, -e, -T, -U and --will-topic, and
// matching a topic against a filter (-T). Wraps libmosquitto's own checks so that what we
// accept is exactly what the library will send.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqtt {

/// Why a topic or filter is unusable, as the text after "Error: " would say; nullopt if fine.
/// `what` names the option (e.g. "-t", "-e", "-T", "--will-topic"): the UTF-8 message names
/// it, the others the kind of topic it takes (publish, response, will; subscription, ...).
std::optional<std::string> check_publish_topic(const std::string& topic, const std::string& what);
std::optional<std::string> check_filter(const std::string& filter, const std::string& what);

/// True when `topic` matches subscription filter `filter` (both already valid).
bool topic_matches(std::string_view filter, std::string_view topic);

/// True when `text` is valid UTF-8 as MQTT requires for strings (no NUL, no surrogates).
bool valid_mqtt_utf8(const std::string& text);

}  // namespace mqtt
