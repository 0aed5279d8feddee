// Topic names and filters: the checks upstream makes on -t, -e, -T, -U and --will-topic, and
// matching a topic against a filter (-T). Wraps libmosquitto's own checks so that what we
// accept is exactly what the library will send.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace mqtt {

/// Why a topic or filter is unusable, as the text after "Error: " would say; nullopt if fine.
/// `what` names the option (e.g. "-t", "-e", "-T", "--will-topic"): the UTF-8 message names
/// it, the others the kind of topic it takes (publish, response, will; subscription, ...).
Status check_publish_topic(const std::string& topic, const std::string& what);
Status check_filter(const std::string& filter, const std::string& what);

/// Why `group` cannot name a shared subscription (--share): empty, or holding '/', '+' or
/// '#' (MQTT 5, 4.8.2); nullopt if fine. The text follows "Error: ".
Status check_share_group(const std::string& group);

/// True when `filter` is a shared subscription already ("$share/...").
bool is_shared_filter(std::string_view filter);

/// What a filter of the shape "/GROUP/rest" was probably meant to be when a shell expanded
/// an unset $share in "$share/GROUP/rest": "$share/GROUP/rest". nullopt for other shapes.
/// A topic tree that really starts with "/" has the same shape: callers warn, not refuse.
std::optional<std::string> unexpanded_share(std::string_view filter);

/// True when `topic` matches subscription filter `filter` (both already valid).
bool topic_matches(std::string_view filter, std::string_view topic);

/// True when `text` is valid UTF-8 as MQTT requires for strings (no NUL, no surrogates).
bool valid_mqtt_utf8(const std::string& text);

}  // namespace mqtt
