// The JSON object mqtt-sub prints for %j and %J, in mosquitto 2.1's shape: tst, topic,
// qos, retain (a boolean), payloadlen, mid (QoS > 0 only), properties (only when the
// message has some; user properties as an array of one-member objects), payload. The
// same object, lossless, is what mqtt-sub --json prints and mqtt-pub --json reads.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "format.h"
#include "json.h"

namespace mqtt {

/// How the payload goes into the object.
enum class JsonPayload {
    string,  ///< %j: a JSON string (see append_json_string), null when empty
    json,    ///< %J: the payload itself, which must be valid JSON (json_is_valid), null when empty
    /// --json: "payload" (a JSON string, "" when empty) when the payload is valid UTF-8,
    /// else "payload_base64"; correlation data likewise: every byte comes back unchanged.
    lossless,
};

/// Appends the object for `message`, received at `time`, compact or --pretty (coloured
/// with `colour`); `spill`, when given, is called between pieces of a long payload (see
/// JsonSpill).
void append_message_json(std::string& out, const Message& message, const Timestamp& time, JsonPayload payload, bool pretty,
                         const JsonSpill* spill = nullptr, bool colour = false);

/// Appends the object --json prints as "properties" for the PUBLISH properties `list`
/// (lossless: binary values as name_base64), compact.
void append_properties_json(std::string& out, const mosquitto_property* list);

/// The "tst" text, held without allocating.
struct JsonTimestamp {
    std::array<char, 64> text{};
    std::size_t size = 0;
    std::string_view view() const { return {text.data(), size}; }
};

/// Local time with microseconds and UTC offset, e.g. 2020-05-06T21:48:00.123456+0100.
JsonTimestamp json_timestamp(const Timestamp& time);

}  // namespace mqtt
