#include "exec_environment.h"

#include <set>

#include <mqtt_protocol.h>

#include "encoding.h"
#include "message_properties.h"

namespace mqtt {

namespace {

constexpr std::string_view k_user_prefix = "MQTT_USER_PROPERTY_";

/// The variables the tool sets for each message, and those that would make a command that
/// is itself mqtt-sub run --exec again.
bool replaced(std::string_view entry)
{
    const std::string_view name = entry.substr(0, entry.find('='));
    static constexpr std::string_view k_names[] = {
        "MQTT_TOPIC",        "MQTT_QOS",  "MQTT_RETAIN",    "MQTT_RESPONSE_TOPIC",       "MQTT_CORRELATION_DATA",
        "MQTT_CONTENT_TYPE", "MQTT_EXEC", "MQTT_EXEC_JOBS", "MQTT_EXEC_IGNORE_FAILURES",
    };
    for (const auto n : k_names) {
        if (name == n) return true;
    }
    return name.starts_with(k_user_prefix);
}

std::string variable(std::string_view name, std::string_view value)
{
    std::string entry;
    entry.reserve(name.size() + 1 + value.size());
    entry.append(name).push_back('=');
    entry.append(value);
    return entry;
}

}  // namespace

std::string user_property_variable(std::string_view name)
{
    std::string out(k_user_prefix);
    for (const char c : name) {
        if (c >= 'a' && c <= 'z') {
            out.push_back(static_cast<char>(c - 'a' + 'A'));
        } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        } else {
            out.push_back('_');
        }
    }
    return out;
}

std::vector<std::string> exec_environment(std::span<const std::string> inherited, const Message& message)
{
    std::vector<std::string> env;
    env.reserve(inherited.size() + 8);
    for (const auto& entry : inherited) {
        if (!replaced(entry)) env.push_back(entry);
    }
    env.push_back(variable("MQTT_TOPIC", message.topic));
    env.push_back(variable("MQTT_QOS", std::to_string(message.qos)));
    env.push_back(variable("MQTT_RETAIN", message.retain ? "1" : "0"));
    if (!message.properties) return env;
    if (auto topic = read_bytes_property(message.properties, MQTT_PROP_RESPONSE_TOPIC)) {
        if (topic->view().find('\0') == std::string_view::npos) env.push_back(variable("MQTT_RESPONSE_TOPIC", topic->view()));
    }
    if (auto data = read_bytes_property(message.properties, MQTT_PROP_CORRELATION_DATA)) {
        std::string hex;
        append_hex(hex, data->view());
        env.push_back(variable("MQTT_CORRELATION_DATA", hex));
    }
    if (auto type = read_bytes_property(message.properties, MQTT_PROP_CONTENT_TYPE)) {
        if (type->view().find('\0') == std::string_view::npos) env.push_back(variable("MQTT_CONTENT_TYPE", type->view()));
    }
    std::set<std::string> named;
    for (const mosquitto_property* p = message.properties; p; p = mosquitto_property_next(p)) {
        if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
        auto pair = read_user_property(p);
        if (!pair || pair->value.view().find('\0') != std::string_view::npos) continue;
        std::string name = user_property_variable(pair->name.view());
        if (!named.insert(name).second) continue;
        env.push_back(variable(name, pair->value.view()));
    }
    return env;
}

}  // namespace mqtt
