// MQTT 5 properties given with -D/--property: one occurrence parsed into plain data with
// mosquitto's checks and messages, and the per-packet lists a tool sends. The grammar:
//   -D <command> <name> <value>            e.g. -D publish message-expiry-interval 60
//   -D <command> user-property <key> <value>
//   -D publish correlation-data:hex 0a0b      binary data or a user property's value in hex
//   -D connect authentication-data:base64 AAEC  ... or in base64
// Command and property names are not case sensitive; the tables are libmosquitto's own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace mqtt {

/// The packets -D can add properties to: the ones the tools send.
enum class PropertyCommand { connect, publish, subscribe, unsubscribe, disconnect, will };

/// How a value goes on the wire (MQTT 5, 2.2.2.2).
enum class PropertyType { byte, int16, int32, varint, binary, string, string_pair };

/// One property as plain data; common/property_list builds libmosquitto's list from it.
struct Property {
    int identifier = 0;  ///< MQTT_PROP_*, as libmosquitto numbers them
    PropertyType type = PropertyType::byte;
    std::string name;          ///< canonical name, e.g. "content-type"
    std::uint32_t number = 0;  ///< byte, int16, int32 and varint values
    std::string key;           ///< user-property: the key
    std::string value;         ///< string and binary values, the user-property value
    bool operator==(const Property&) const = default;
};

/// What one -D gave: which packet the property is for, and the property.
struct ParsedProperty {
    PropertyCommand command = PropertyCommand::connect;
    Property property;
};

/// Every -D of a command line, per packet, in the order given.
struct PropertyLists {
    std::vector<Property> connect, publish, subscribe, unsubscribe, disconnect, will;

    std::vector<Property>& of(PropertyCommand command);
    const std::vector<Property>& of(PropertyCommand command) const;
    bool empty() const;
    /// The first property of `command`'s list with `identifier`, or nullptr.
    const Property* find(PropertyCommand command, int identifier) const;
    bool operator==(const PropertyLists&) const = default;
};

/// The command as -D spells it ("connect" ... "will").
const char* command_name(PropertyCommand command);

/// The property names -D takes for `command` (libmosquitto's spelling, e.g.
/// "message-expiry-interval"), in identifier order: for the shell completions.
std::vector<std::string> property_names(PropertyCommand command);

/// How many of the arguments that follow -D are its values: a command, a name and one
/// value, or two for user-property. Fewer when the arguments end first; parse_property
/// then reports what is missing, after the checks upstream makes before that.
std::size_t property_argument_count(std::span<const std::string> following);

/// Parses the values of one -D (the arguments property_argument_count chose) with
/// mosquitto's checks in mosquitto's order. Returns the property or the whole error line
/// ("Error: ..."). Unlike mosquitto, numbers must be whole decimal numbers.
Result<ParsedProperty> parse_property(std::span<const std::string> args);

/// The error line for the first list that holds a property other than user-property
/// twice, as mosquitto 2.0 words it ("Error in PUBLISH properties: Duplicate property in
/// property list"); nullopt when there is none.
Status find_duplicate(const PropertyLists& lists);

}  // namespace mqtt
