// Reading the MQTT 5 properties of a received message through libmosquitto, which hands
// out malloc'd copies of strings and binary data: these wrappers free them.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include <mosquitto.h>

namespace mqtt {

/// A string or binary property value copied out by libmosquitto; freed with it.
class PropertyBytes {
public:
    PropertyBytes(char* data, std::size_t size) : m_data(data), m_size(size) {}
    std::string_view view() const { return {m_data.get(), m_size}; }

private:
    struct Free {
        void operator()(char* p) const { std::free(p); }
    };
    std::unique_ptr<char, Free> m_data;
    std::size_t m_size;
};

/// A user property: one name and its value.
struct PropertyPair {
    PropertyBytes name;
    PropertyBytes value;
};

/// The first numeric property `identifier` (payload-format-indicator, message-expiry-
/// interval, topic-alias, subscription-identifier, and CONNACK's numbers and flags) at or
/// after `list`, if there is one.
std::optional<std::uint32_t> read_number_property(const mosquitto_property* list, int identifier);
/// The first string (content-type, response-topic, CONNACK's strings) or binary
/// (correlation-data) property
/// `identifier` at or after `list`, if there is one.
std::optional<PropertyBytes> read_bytes_property(const mosquitto_property* list, int identifier);
/// The user property `property` itself (which must be one).
std::optional<PropertyPair> read_user_property(const mosquitto_property* property);

}  // namespace mqtt
