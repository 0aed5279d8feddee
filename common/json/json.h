// JSON text for mqtt-sub's output: a string escaper whose result is valid JSON whatever the
// bytes, a writer that lays values out as mosquitto's cJSON does (compact, or --pretty),
// and a strict RFC 8259 check that a payload is one JSON value, and its copy (both over the
// grammar of json_scan.h, which json_parse shares).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "utf8.h"

namespace mqtt {

/// Deepest nesting of arrays and objects json_is_valid() accepts (cJSON's limit too).
inline constexpr int k_json_max_depth = 1000;

/// Called while a long string is written, after about every k_json_spill_every bytes of it,
/// so that the caller can write out what `out` holds and empty it: mqtt-sub prints a large
/// payload without holding its escaped copy.
using JsonSpill = std::function<void()>;
inline constexpr std::size_t k_json_spill_every = 64 * 1024;

/// Appends `bytes` as a JSON string literal, quotes included. Valid UTF-8 is copied as it
/// is; `"`, `\` and control characters are escaped (\b \f \n \r \t, others \u00xx, NUL as
/// \u0000), and so is every byte that is not part of valid UTF-8, as \u00xx of its value
/// (read as Latin-1): the result is always valid JSON, whatever the bytes. `spill`, when
/// given, is called between pieces of a long string.
void append_json_string(std::string& out, std::string_view bytes, const JsonSpill* spill = nullptr);

/// The colours of JSON that --pretty prints on a terminal (mqtt-sub(1), COLOURS): SGR
/// sequences put around each member name and value, never inside a string's quotes.
struct JsonColours {
    static constexpr std::string_view key = "\x1b[1;34m";    ///< member names: bold blue
    static constexpr std::string_view string = "\x1b[32m";   ///< string values: green
    static constexpr std::string_view number = "\x1b[36m";   ///< numbers: cyan
    static constexpr std::string_view boolean = "\x1b[33m";  ///< true and false: yellow
    static constexpr std::string_view null = "\x1b[1;30m";   ///< null: grey
    static constexpr std::string_view reset = "\x1b[0m";
};

/// Writes JSON values into a string, either compact (no whitespace) or laid out as
/// cJSON_Print does for --pretty: one object member per line, indented with tabs,
/// "key":<TAB>value, and array elements on one line separated by ", "; with `colour`,
/// names and values are coloured as JsonColours says. The caller says where values go
/// (key() in objects, element() in arrays); nothing is checked.
class JsonWriter {
public:
    /// `spill`, when given, is called between pieces of long strings (see JsonSpill).
    JsonWriter(std::string& out, bool pretty, const JsonSpill* spill = nullptr, bool colour = false)
        : m_out(out), m_pretty(pretty), m_colour(colour), m_spill(spill)
    {}

    void begin_object();
    void end_object();
    void begin_array();
    void end_array();
    /// Starts an object member named `name` (escaped here); its value follows.
    void key(std::string_view name);
    /// Starts an object member whose name is `literal`, a valid JSON string with its quotes.
    void raw_key(std::string_view literal);
    /// Starts an array element; its value follows.
    void element();

    void string(std::string_view bytes)
    {
        colour(JsonColours::string);
        append_json_string(m_out, bytes, m_spill);
        colour(JsonColours::reset);
    }
    /// `bytes` in base64 as a JSON string.
    void base64_string(std::string_view bytes);
    void number(std::uint64_t value);
    void boolean(bool value);
    void null();
    /// A scalar copied as written: a number, literal or string token known to be valid.
    void raw(std::string_view token);

private:
    void indent(int depth);
    void begin_member();
    /// Starts and ends the colour `sgr` when colouring.
    void colour(std::string_view sgr)
    {
        if (m_colour) m_out.append(sgr);
    }

    std::string& m_out;
    bool m_pretty;
    bool m_colour;
    const JsonSpill* m_spill;
    int m_depth = 0;
    bool m_first = true;  ///< no member or element yet in the innermost object or array
};

/// Whether `text` is exactly one JSON value as RFC 8259 defines it, with optional
/// whitespace around it: strings must be valid UTF-8 without raw control characters, and
/// nesting is limited to k_json_max_depth.
bool json_is_valid(std::string_view text);

/// Writes the JSON value `text` (one that json_is_valid() accepts) through `writer`, so that
/// it takes the writer's layout; numbers and strings are copied as written.
void json_copy(std::string_view text, JsonWriter& writer);

}  // namespace mqtt
