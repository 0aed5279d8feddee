// The environment of a command that mqtt-sub --exec runs for a message: the tool's own,
// less what could mislead the command, plus the message's facts (MQTT_TOPIC, MQTT_QOS,
// MQTT_RETAIN, and from MQTT 5 properties MQTT_RESPONSE_TOPIC, MQTT_CORRELATION_DATA in
// hex, MQTT_CONTENT_TYPE and MQTT_USER_PROPERTY_<NAME>). The payload goes to stdin.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format.h"

namespace mqtt {

/// The variable a user property `name` is given in: MQTT_USER_PROPERTY_ and the name with
/// ASCII letters upper-cased and every byte that is not a letter or digit made '_'.
std::string user_property_variable(std::string_view name);

/// "NAME=value" strings for the command run for `message`: each of `inherited` ("NAME=value")
/// but the message variables above and MQTT_EXEC, MQTT_EXEC_JOBS and
/// MQTT_EXEC_IGNORE_FAILURES (a command that is itself mqtt-sub must not run --exec again),
/// then the message's. A user property named twice (after the renaming) keeps its first
/// value; one whose value holds a NUL byte (not valid MQTT) is left out.
std::vector<std::string> exec_environment(std::span<const std::string> inherited, const Message& message);

}  // namespace mqtt
