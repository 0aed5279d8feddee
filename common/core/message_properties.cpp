#include "message_properties.h"

#include <cstring>
#include <mqtt_protocol.h>

namespace mqtt {

std::optional<std::uint32_t> read_number_property(const mosquitto_property* list, int identifier)
{
    // Each property has its own wire type, and libmosquitto one reader per type.
    switch (identifier) {
    case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
    case MQTT_PROP_MAXIMUM_QOS:
    case MQTT_PROP_RETAIN_AVAILABLE:
    case MQTT_PROP_WILDCARD_SUB_AVAILABLE:
    case MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE:
    case MQTT_PROP_SHARED_SUB_AVAILABLE: {
        std::uint8_t value = 0;
        if (mosquitto_property_read_byte(list, identifier, &value, false)) return value;
        return std::nullopt;
    }
    case MQTT_PROP_TOPIC_ALIAS:
    case MQTT_PROP_RECEIVE_MAXIMUM:
    case MQTT_PROP_TOPIC_ALIAS_MAXIMUM:
    case MQTT_PROP_SERVER_KEEP_ALIVE: {
        std::uint16_t value = 0;
        if (mosquitto_property_read_int16(list, identifier, &value, false)) return value;
        return std::nullopt;
    }
    case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
    case MQTT_PROP_SESSION_EXPIRY_INTERVAL:
    case MQTT_PROP_MAXIMUM_PACKET_SIZE: {
        std::uint32_t value = 0;
        if (mosquitto_property_read_int32(list, identifier, &value, false)) return value;
        return std::nullopt;
    }
    case MQTT_PROP_SUBSCRIPTION_IDENTIFIER: {
        std::uint32_t value = 0;
        if (mosquitto_property_read_varint(list, identifier, &value, false)) return value;
        return std::nullopt;
    }
    default: return std::nullopt;
    }
}

std::optional<PropertyBytes> read_bytes_property(const mosquitto_property* list, int identifier)
{
    if (identifier == MQTT_PROP_CORRELATION_DATA) {
        void* data = nullptr;
        std::uint16_t length = 0;
        if (!mosquitto_property_read_binary(list, identifier, &data, &length, false) || !data) return std::nullopt;
        return PropertyBytes(static_cast<char*>(data), length);
    }
    char* text = nullptr;
    if (!mosquitto_property_read_string(list, identifier, &text, false) || !text) return std::nullopt;
    return PropertyBytes(text, std::strlen(text));
}

std::optional<PropertyPair> read_user_property(const mosquitto_property* property)
{
    char* name = nullptr;
    char* value = nullptr;
    mosquitto_property_read_string_pair(property, MQTT_PROP_USER_PROPERTY, &name, &value, false);
    if (!name || !value) {
        std::free(name);
        std::free(value);
        return std::nullopt;
    }
    return PropertyPair{PropertyBytes(name, std::strlen(name)), PropertyBytes(value, std::strlen(value))};
}

}  // namespace mqtt
