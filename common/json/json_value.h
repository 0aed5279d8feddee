// Reading JSON text into values: what mqtt-pub --json needs to take one record apart.
// The grammar of json_is_valid (json_scan.h), strings decoded to their UTF-8 bytes (so a
// \u escape of a lone surrogate is an error here), numbers kept as written so that the
// caller decides what range it accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt {

class JsonValue {
public:
    enum class Kind { null, boolean, number, string, array, object };

    Kind kind = Kind::null;
    bool boolean = false;
    /// A string's decoded bytes, or a number's token as written.
    std::string text;
    /// An array's elements, or an object's member values (names in `names`, same order).
    std::vector<JsonValue> values;
    std::vector<std::string> names;

    /// The value of the first member called `name` of an object; nullptr if none (or not
    /// an object).
    const JsonValue* find(std::string_view name) const;
    JsonValue* find(std::string_view name);
    /// A number that is a whole number in [0, max], else nullopt.
    std::optional<std::uint64_t> whole_number(std::uint64_t max) const;
};

/// Where and why a text is not JSON.
struct JsonError {
    std::size_t offset = 0;  ///< of the first byte that does not fit, from 0
    std::string what;        ///< e.g. "unterminated string"
};

/// Parses `text`: exactly one JSON value with optional whitespace around it.
Result<JsonValue, JsonError> json_parse(std::string_view text);

}  // namespace mqtt
