// How mqtt-sub prints one message: the payload alone, "topic payload" with -v, or as the
// -F format says. The command line parses a format once (core/format_spec.h); here each
// conversion gets its renderer, and each message is rendered part by part into the
// output buffer.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mosquitto.h>

#include "encoding.h"
#include "format_spec.h"
#include "payload_decoder.h"
#include "result.h"

namespace mqtt {

struct Options;
class Sink;

/// A received message as the formatter sees it.
struct Message {
    std::string_view topic;
    std::string_view payload;
    int qos = 0;
    bool retain = false;
    int mid = 0;
    /// The MQTT 5 properties of the PUBLISH; null when it has none (always with MQTT 3).
    const mosquitto_property* properties = nullptr;
    /// What --decode made of the payload; null without --decode.
    const Decoded* decoded = nullptr;

    /// The payload decoded (JSON or decompressed bytes), when it was.
    bool has_decoded() const
    {
        return decoded && (decoded->kind == Decoded::Kind::json || decoded->kind == Decoded::Kind::bytes);
    }
};

/// When a message is printed: the real-time clock and the local time it gives (TZ).
struct Timestamp {
    std::timespec wall{};
    std::tm local{};
};

struct RenderContext;
using Renderer = void (*)(const FormatSpec&, RenderContext&);

/// A -F format ready to render: each conversion of a ParsedFormat with its renderer.
class Format {
public:
    explicit Format(const ParsedFormat& parsed);

    /// Literal text (render is null) or a conversion with its modifiers.
    struct Part {
        std::string literal;
        FormatSpec spec;
        Renderer render = nullptr;
    };

    const std::vector<Part>& parts() const { return m_parts; }

private:
    std::vector<Part> m_parts;
};

/// Parses and binds a -F format, or returns the error line (upstream's texts, e.g.
/// "Error: Invalid format specifier 'y'.").
Result<Format> compile_format(std::string_view text);

/// Whether --pretty colours its JSON: only when stdout is a `terminal`, without
/// --no-color (`no_color_option`), and with the NO_COLOR variable (`no_color_variable`,
/// null when unset) unset or empty, as no-color.org asks.
bool want_colour(bool no_color_option, const char* no_color_variable, bool terminal);

class Formatter {
public:
    using Now = std::timespec (*)();

    explicit Formatter(const Options& options);

    /// Appends `message` to `out` as --json, -F, -v or the default output asks, with a
    /// newline (NUL with -0) unless -N; --encoding applies to the payload of -v, %p and the
    /// default output. A --decode'd payload is printed decoded by the default output and %V,
    /// and as "payload_decoded" by --json. The error is the line for stderr when the message cannot be printed as asked:
    /// %J with a payload that is not JSON (that part stays empty), %f or %d with a payload
    /// of the wrong size (nothing at all is printed for the message).
    Status render(const Message& message, std::string& out) const;
    /// The same into `sink`, which then writes out what filled it. A long payload is not
    /// copied whole (%p, the default output, -v) nor held escaped or encoded (%j, --json,
    /// --encoding): it goes out piece by piece.
    Status render(const Message& message, Sink& sink) const;

    /// Where the time comes from (tests fix it); the real-time clock by default.
    void set_clock(Now now) { m_now = now; }

private:
    Status render_to(const Message& message, std::string& out, Sink* sink) const;

    std::optional<Format> m_format;
    bool m_verbose;
    bool m_json;
    bool m_eol;
    char m_end;  ///< what ends a message: '\n', or NUL with -0
    bool m_pretty;
    bool m_colour;  ///< --pretty on a terminal: JSON coloured (Options::colour)
    Encoding m_encoding;
    Now m_now;
};

}  // namespace mqtt
