// One record of mqtt-pub --json: the message that a JSON object as mqtt-sub --json prints
// it describes, checked before anything is sent. Keys absent from the record fall back
// to the command line (-t, -q, -r, -D publish); keys it does not know are ignored, so
// that tools such as jq may add their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json_value.h"
#include "properties.h"
#include "result.h"

namespace mqtt {

struct JsonRecord {
    std::optional<std::string> topic;
    std::optional<int> qos;
    std::optional<bool> retain;
    std::string payload;
    /// "payload_decoded" (as mqtt-sub --decode --json writes it), kept only when asked for:
    /// the value mqtt-pub --encode encodes in place of the payload.
    std::optional<JsonValue> payload_decoded;
    /// "properties", when the record has them: they replace -D publish for this message.
    std::optional<std::vector<Property>> properties;
    /// "tst" as microseconds since the epoch, when the record has a readable one.
    std::optional<std::int64_t> tst_us;
};

/// The record `text` holds, or why it cannot be sent (e.g. "\"qos\" must be 0, 1 or 2").
/// With `keep_decoded` (--encode), its "payload_decoded" is kept, and then stands in for a
/// missing "payload".
Result<JsonRecord> parse_json_record(std::string_view text, bool keep_decoded = false);

/// A "tst" as mqtt-sub --json (and mosquitto's %j) writes it, e.g.
/// 2020-05-06T21:48:00.123456+0100 (fraction optional, zone +hhmm, +hh:mm or Z; 2.0.11's
/// stray Z before the zone accepted), as microseconds since the epoch; nullopt if not one.
std::optional<std::int64_t> parse_tst(std::string_view text);

}  // namespace mqtt
