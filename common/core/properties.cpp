#include "properties.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "encoding.h"
#include "property_list.h"
#include "quote.h"
#include "text.h"
#include "topic.h"

namespace mqtt {

namespace {

constexpr std::size_t k_max_length = 65535;  // MQTT strings and binary data: 16-bit length
constexpr std::uint32_t k_max_varint = 268435455;

constexpr std::array k_commands = {PropertyCommand::connect,     PropertyCommand::publish,    PropertyCommand::subscribe,
                                   PropertyCommand::unsubscribe, PropertyCommand::disconnect, PropertyCommand::will};

int library_command(PropertyCommand command)
{
    switch (command) {
    case PropertyCommand::connect: return CMD_CONNECT;
    case PropertyCommand::publish: return CMD_PUBLISH;
    case PropertyCommand::subscribe: return CMD_SUBSCRIBE;
    case PropertyCommand::unsubscribe: return CMD_UNSUBSCRIBE;
    case PropertyCommand::disconnect: return CMD_DISCONNECT;
    case PropertyCommand::will: return CMD_WILL;
    }
    return CMD_CONNECT;
}

/// The packet's name as mosquitto 2.0's "Error in <packet> properties" messages spell it.
const char* packet_label(PropertyCommand command)
{
    switch (command) {
    case PropertyCommand::connect: return "CONNECT";
    case PropertyCommand::publish: return "PUBLISH";
    case PropertyCommand::subscribe: return "SUBSCRIBE";
    case PropertyCommand::unsubscribe: return "UNSUBSCRIBE";
    case PropertyCommand::disconnect: return "DISCONNECT";
    case PropertyCommand::will: return "Will";
    }
    return "";
}

/// The packet a property given for libmosquitto's `command` goes into, or nullopt when
/// the tools never send it with properties (AUTH, the acknowledgements, CONNACK) or, as
/// upstream, a subscription identifier on PUBLISH (only a broker sets that).
std::optional<PropertyCommand> sent_command(int command, int identifier)
{
    switch (command) {
    case CMD_CONNECT: return PropertyCommand::connect;
    case CMD_PUBLISH:
        if (identifier == MQTT_PROP_SUBSCRIPTION_IDENTIFIER) return std::nullopt;
        return PropertyCommand::publish;
    case CMD_SUBSCRIBE: return PropertyCommand::subscribe;
    case CMD_UNSUBSCRIBE: return PropertyCommand::unsubscribe;
    case CMD_DISCONNECT: return PropertyCommand::disconnect;
    case CMD_WILL: return PropertyCommand::will;
    default: return std::nullopt;
    }
}

PropertyType type_of(int library_type)
{
    switch (library_type) {
    case MQTT_PROP_TYPE_BYTE: return PropertyType::byte;
    case MQTT_PROP_TYPE_INT16: return PropertyType::int16;
    case MQTT_PROP_TYPE_INT32: return PropertyType::int32;
    case MQTT_PROP_TYPE_VARINT: return PropertyType::varint;
    case MQTT_PROP_TYPE_BINARY: return PropertyType::binary;
    case MQTT_PROP_TYPE_STRING_PAIR: return PropertyType::string_pair;
    default: return PropertyType::string;
    }
}

/// The values a number of `type` may have. A subscription identifier of 0 is a protocol
/// error (mosquitto's broker drops the connection as malformed), and libmosquitto refuses
/// variable byte integers above 268435455.
std::pair<std::uint32_t, std::uint32_t> number_range(PropertyType type)
{
    switch (type) {
    case PropertyType::byte: return {0, UINT8_MAX};
    case PropertyType::int16: return {0, UINT16_MAX};
    case PropertyType::varint: return {1, k_max_varint};
    default: return {0, UINT32_MAX};
    }
}

/// True when `text` is a whole decimal number: an optional sign, then digits only.
bool is_number(const std::string& text)
{
    const std::size_t start = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    if (text.size() == start) return false;
    for (std::size_t i = start; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
}

/// The value of a number `is_number` accepted, if it lies in [min, max].
std::optional<std::uint32_t> in_range(const std::string& text, std::uint32_t min, std::uint32_t max)
{
    if (text[0] == '-') {
        for (std::size_t i = 1; i < text.size(); ++i) {
            if (text[i] != '0') return std::nullopt;  // below zero
        }
        return min == 0 ? std::optional<std::uint32_t>(0) : std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c == '+') continue;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > max) return std::nullopt;  // also stops before any overflow
    }
    if (value < min) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

Status check_response_topic(const std::string& topic)
{
    if (topic.empty()) return Error{"Error: Invalid response topic '', a topic must not be empty."};
    if (mosquitto_pub_topic_check2(topic.data(), topic.size()) != MOSQ_ERR_SUCCESS) {
        return Error{fmt::format("Error: Invalid response topic '{}', does it contain '+' or '#'?", topic)};
    }
    return {};
}

/// Checks the value text of `name` (as typed) and stores it in `property`.
Status set_value(Property& property, PropertyCommand command, const std::string& name, const std::string& text)
{
    const auto too_long = [&] { return Error{fmt::format("Error: Property value too long for property {}.", name)}; };
    const auto malformed = [&] { return Error{fmt::format("Error: Malformed UTF-8 in property {}.", name)}; };
    switch (property.type) {
    case PropertyType::byte:
    case PropertyType::int16:
    case PropertyType::int32:
    case PropertyType::varint: {
        // Deliberately stricter than mosquitto's atol(): "1x" or "abc" is not silently 1 or 0.
        if (!is_number(text)) {
            return Error{fmt::format("Error: Property value ({}) is not a number for property {}.", text, name)};
        }
        const auto [min, max] = number_range(property.type);
        const auto number = in_range(text, min, max);
        const Error out_of_range{fmt::format("Error: Property value ({}) out of range for property {}.", text, name)};
        if (!number) return out_of_range;
        property.number = *number;
        // libmosquitto's own validity rules (e.g. receive-maximum and topic-alias not 0,
        // request-problem-information 0 or 1): what it would refuse to send is refused here.
        PropertyList one;
        one.add(property);
        if (mosquitto_property_check_all(library_command(command), one.get()) != MOSQ_ERR_SUCCESS) return out_of_range;
        return {};
    }
    case PropertyType::binary:
        if (text.size() > k_max_length) return too_long();
        property.value = text;
        return {};
    case PropertyType::string:
        if (text.size() > k_max_length) return too_long();
        if (!valid_mqtt_utf8(text)) return malformed();
        if (property.identifier == MQTT_PROP_RESPONSE_TOPIC) {
            if (auto checked = check_response_topic(text); !checked) return checked;
        }
        property.value = text;
        return {};
    case PropertyType::string_pair: break;  // parse_property takes the key and the value itself
    }
    return {};
}

/// A property name as -D takes it: libmosquitto's name, maybe followed by ":hex" or
/// ":base64" (in any case, as the name) for a value given in that encoding.
struct SpelledName {
    std::string base;
    Encoding encoding = Encoding::none;
};

SpelledName split_name(const std::string& name)
{
    for (const Encoding encoding : {Encoding::hex, Encoding::base64}) {
        const std::string suffix = std::string(":") + encoding_name(encoding);
        if (name.size() > suffix.size() && lower_case(name.substr(name.size() - suffix.size())) == suffix) {
            return {name.substr(0, name.size() - suffix.size()), encoding};
        }
    }
    return {name, Encoding::none};
}

/// Only binary data and user property values may be spelled in hex or base64 (a string
/// property's text can be typed as it is).
bool takes_encoded_value(int identifier)
{
    return identifier == MQTT_PROP_CORRELATION_DATA || identifier == MQTT_PROP_AUTHENTICATION_DATA ||
        identifier == MQTT_PROP_USER_PROPERTY;
}

}  // namespace

std::vector<Property>& PropertyLists::of(PropertyCommand command)
{
    switch (command) {
    case PropertyCommand::connect: return connect;
    case PropertyCommand::publish: return publish;
    case PropertyCommand::subscribe: return subscribe;
    case PropertyCommand::unsubscribe: return unsubscribe;
    case PropertyCommand::disconnect: return disconnect;
    case PropertyCommand::will: return will;
    }
    return connect;
}

const std::vector<Property>& PropertyLists::of(PropertyCommand command) const
{
    return const_cast<PropertyLists*>(this)->of(command);
}

bool PropertyLists::empty() const
{
    for (const auto command : k_commands) {
        if (!of(command).empty()) return false;
    }
    return true;
}

const Property* PropertyLists::find(PropertyCommand command, int identifier) const
{
    for (const auto& property : of(command)) {
        if (property.identifier == identifier) return &property;
    }
    return nullptr;
}

const char* command_name(PropertyCommand command)
{
    switch (command) {
    case PropertyCommand::connect: return "connect";
    case PropertyCommand::publish: return "publish";
    case PropertyCommand::subscribe: return "subscribe";
    case PropertyCommand::unsubscribe: return "unsubscribe";
    case PropertyCommand::disconnect: return "disconnect";
    case PropertyCommand::will: return "will";
    }
    return "";
}

std::vector<std::string> property_names(PropertyCommand command)
{
    std::vector<std::string> names;
    int library_cmd = 0;
    if (mosquitto_string_to_command(command_name(command), &library_cmd) != MOSQ_ERR_SUCCESS) return names;
    // Identifiers are one byte (MQTT 5, 2.2.2.2); libmosquitto names the ones it knows.
    for (int identifier = 1; identifier < 256; ++identifier) {
        const char* name = mosquitto_property_identifier_to_string(identifier);
        if (!name || mosquitto_property_check_command(library_cmd, identifier) != MOSQ_ERR_SUCCESS) continue;
        if (sent_command(library_cmd, identifier) == command) names.emplace_back(name);
    }
    return names;
}

std::size_t property_argument_count(std::span<const std::string> following)
{
    std::size_t wanted = 3;
    int identifier = 0, type = 0;
    if (following.size() >= 2 &&
        mosquitto_string_to_property_info(split_name(following[1]).base.c_str(), &identifier, &type) == MOSQ_ERR_SUCCESS &&
        identifier == MQTT_PROP_USER_PROPERTY) {
        wanted = 4;
    }
    return std::min(wanted, following.size());
}

Result<ParsedProperty> parse_property(std::span<const std::string> args)
{
    const Error not_enough{"Error: --property argument given but not enough arguments specified."};
    if (args.size() < 3) return not_enough;
    const std::string& command_text = args[0];
    const std::string& name = args[1];

    int library_cmd = 0;
    if (mosquitto_string_to_command(command_text.c_str(), &library_cmd) != MOSQ_ERR_SUCCESS) {
        return Error{fmt::format("Error: Invalid command {} given in --property argument.", command_text)};
    }
    const SpelledName spelled = split_name(name);
    int identifier = 0, library_type = 0;
    if (mosquitto_string_to_property_info(spelled.base.c_str(), &identifier, &library_type) != MOSQ_ERR_SUCCESS) {
        return Error{fmt::format("Error: Invalid property name {} given in --property argument.", name)};
    }
    if (mosquitto_property_check_command(library_cmd, identifier) != MOSQ_ERR_SUCCESS) {
        return Error{fmt::format("Error: {} property not allowed for {} in --property argument.", name, command_text)};
    }
    const bool user_property = identifier == MQTT_PROP_USER_PROPERTY;
    if (user_property && args.size() < 4) return not_enough;
    const auto command = sent_command(library_cmd, identifier);
    // mosquitto fails on "connack" without a word; it is as unsupported as "auth".
    if (!command)
        return Error{fmt::format("Error: {} property not supported for {} in --property argument.", name, command_text)};

    if (spelled.encoding != Encoding::none && !takes_encoded_value(identifier)) {
        return Error{fmt::format("Error: Only correlation-data, authentication-data and user-property values can be given as "
                                 "{}, not {} in --property argument.",
                                 encoding_name(spelled.encoding), spelled.base)};
    }
    // The value, decoded from hex or base64 when the name says so.
    std::string value_text = args[user_property ? 3 : 2];
    if (spelled.encoding != Encoding::none) {
        auto decoded = decode(value_text, spelled.encoding);
        if (!decoded) {
            return Error{fmt::format("Error: Invalid {} value {} for property {} in --property argument.",
                                     encoding_name(spelled.encoding), quote_value(value_text), name)};
        }
        value_text = std::move(*decoded);
    }

    ParsedProperty parsed;
    parsed.command = *command;
    Property& property = parsed.property;
    property.identifier = identifier;
    property.type = type_of(library_type);
    property.name = mosquitto_property_identifier_to_string(identifier);
    if (user_property) {
        const std::string& key = args[2];
        const std::string& value = value_text;
        if (key.size() > k_max_length || value.size() > k_max_length) {
            return Error{fmt::format("Error: Property value too long for property {}.", name)};
        }
        // libmosquitto 2.0.11 checks the key only; a broker refuses a malformed value too.
        if (!valid_mqtt_utf8(key) || !valid_mqtt_utf8(value)) {
            return Error{fmt::format("Error: Malformed UTF-8 in property {}.", name)};
        }
        property.key = key;
        property.value = value;
    } else if (auto set = set_value(property, *command, name, value_text); !set) {
        return Error{set.error()};
    }
    return parsed;
}

Status find_duplicate(const PropertyLists& lists)
{
    for (const auto command : k_commands) {
        const PropertyList list(lists.of(command));
        const int rc = mosquitto_property_check_all(library_command(command), list.get());
        if (rc != MOSQ_ERR_SUCCESS)
            return Error{fmt::format("Error in {} properties: {}", packet_label(command), mosquitto_strerror(rc))};
    }
    return {};
}

}  // namespace mqtt
