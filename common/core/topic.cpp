#include "topic.h"

#include <mosquitto.h>

namespace mqtt {

bool valid_mqtt_utf8(const std::string& text)
{
    if (text.size() > 65535) return false;
    return mosquitto_validate_utf8(text.data(), static_cast<int>(text.size())) == MOSQ_ERR_SUCCESS;
}

namespace {

/// MQTT strings carry a two-byte length; upstream calls a longer one malformed UTF-8.
Status too_long(const std::string& text, const std::string& what)
{
    if (text.size() <= 65535) return {};
    return Error{"Topic too long in " + what + " argument (" + std::to_string(text.size()) + " bytes, at most 65535)."};
}

}  // namespace

Status check_publish_topic(const std::string& topic, const std::string& what)
{
    if (auto checked = too_long(topic, what); !checked.ok()) return checked;
    if (!valid_mqtt_utf8(topic)) return Error{"Malformed UTF-8 in " + what + " argument."};
    if (topic.empty()) return Error{"Invalid topic '', a topic must not be empty."};
    if (mosquitto_pub_topic_check2(topic.data(), topic.size()) != MOSQ_ERR_SUCCESS) {
        const std::string kind = what == "--will-topic" ? "will" : what == "-e" ? "response" : "publish";
        return Error{"Invalid " + kind + " topic '" + topic + "', does it contain '+' or '#'?"};
    }
    return {};
}

Status check_filter(const std::string& filter, const std::string& what)
{
    if (auto checked = too_long(filter, what); !checked.ok()) return checked;
    if (!valid_mqtt_utf8(filter)) return Error{"Malformed UTF-8 in " + what + " argument."};
    if (filter.empty()) return Error{"Invalid topic '', a topic must not be empty."};
    if (mosquitto_sub_topic_check2(filter.data(), filter.size()) != MOSQ_ERR_SUCCESS) {
        const std::string kind = what == "-T" ? "filter" : what == "-U" ? "unsubscribe" : "subscription";
        return Error{"Invalid " + kind + " topic '" + filter + "', are all '+' and '#' wildcards correct?"};
    }
    return {};
}

Status check_share_group(const std::string& group)
{
    if (group.empty()) return Error{"Invalid share group '', it must not be empty."};
    if (group.find_first_of("/+#") != std::string::npos) {
        return Error{"Invalid share group '" + group + "', it must not contain '/', '+' or '#'."};
    }
    return {};
}

bool is_shared_filter(std::string_view filter)
{
    return filter.starts_with("$share/");
}

std::optional<std::string> unexpanded_share(std::string_view filter)
{
    if (!filter.starts_with('/')) return std::nullopt;
    const auto slash = filter.find('/', 1);
    if (slash == std::string_view::npos || slash == 1 || slash + 1 == filter.size()) return std::nullopt;
    if (filter.substr(1, slash - 1).find_first_of("+#") != std::string_view::npos) return std::nullopt;
    return "$share" + std::string(filter);
}

bool topic_matches(std::string_view filter, std::string_view topic)
{
    bool result = false;
    mosquitto_topic_matches_sub2(filter.data(), filter.size(), topic.data(), topic.size(), &result);
    return result;
}

}  // namespace mqtt
