#include "format.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <iterator>
#include <mqtt_protocol.h>
#include <stdexcept>

#include "json.h"
#include "message_json.h"
#include "message_properties.h"
#include "options.h"
#include "sink.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

/// Appends `bytes` (a payload) to `out` encoded as `how` says. Printing into `sink` (whose
/// buffer `out` is), a long payload is never held whole a second time: raw, it is written
/// out from where it is, after what is buffered; encoded, a piece at a time.
void append_payload(std::string& out, Sink* sink, std::string_view bytes, Encoding how)
{
    if (how == Encoding::none) {
        if (sink && bytes.size() >= sink->capacity()) {
            sink->write_through(bytes);
        } else {
            out.append(bytes);
        }
        return;
    }
    constexpr std::size_t piece = 48 * 1024;  // a multiple of 3: base64 pieces join without padding
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        append_encoded(out, bytes.substr(at, piece), how);
        if (sink) sink->commit();
    }
}

/// The payload as the default output and %V show it: as --decode made it (JSON as is, or
/// indented with --pretty when no deeper than JSON's limit; decompressed bytes encoded as `how` says), else the raw payload
/// encoded as `how` says.
void append_shown_payload(std::string& out, Sink* sink, const Message& message, Encoding how, bool pretty, bool colour)
{
    if (!message.has_decoded()) {
        append_payload(out, sink, message.payload, how);
    } else if (message.decoded->kind == Decoded::Kind::bytes) {
        append_payload(out, sink, message.decoded->value, how);
    } else if (pretty && json_is_valid(message.decoded->value)) {
        // (Markers add levels: a value decoded 1000 deep can be too deep to re-lay; then compact.)
        JsonWriter writer(out, true, nullptr, colour);
        json_copy(message.decoded->value, writer);
    } else {
        append_payload(out, sink, message.decoded->value, Encoding::none);
    }
}

}  // namespace

/// What the renderers share while one message is rendered.
struct RenderContext {
    RenderContext(const Message& m, std::string& o, Sink* s, bool p, bool c, Encoding e, Formatter::Now n)
        : message(m), out(o), sink(s), pretty(p), colour(c), encoding(e), now(n)
    {}

    /// The time of this message: taken at the first part that needs it, then the same for
    /// every other part.
    const Timestamp& timestamp()
    {
        if (!time) {
            Timestamp t;
            t.wall = now();
            localtime_r(&t.wall.tv_sec, &t.local);
            time = t;
        }
        return *time;
    }
    /// Reports `text` on stderr (once per message); the part stays empty.
    void warn(std::string text)
    {
        if (!error) error = std::move(text);
    }
    /// For long JSON strings (see JsonSpill): null unless printing into a sink.
    const JsonSpill* json_spill()
    {
        if (!sink) return nullptr;
        if (!spill) spill = [this] { sink->commit(); };
        return &spill;
    }

    const Message& message;
    std::string& out;
    Sink* sink;       ///< whose buffer `out` is, when printing (not for the -w view or the tests)
    JsonSpill spill;  ///< made at the first json_spill()
    bool pretty;
    bool colour;  ///< --pretty's JSON coloured (a terminal, no --no-color or NO_COLOR)
    Encoding encoding;
    Formatter::Now now;
    std::optional<Timestamp> time;
    std::optional<bool> payload_is_json;  ///< checked at the first %J
    std::optional<std::string> error;
};

namespace {

constexpr char k_lower_hex[] = "0123456789abcdef";
constexpr char k_upper_hex[] = "0123456789ABCDEF";

std::timespec real_time()
{
    std::timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return now;
}

/// How many characters it takes to fill `width` after `used` of them (0 if none).
std::size_t fill_for(int width, std::size_t used)
{
    const auto w = static_cast<std::size_t>(width);
    return w > used ? w - used : 0;
}

// ---- Field layout, as printf's %s and %d do it

/// `text` cut to the precision, then padded with spaces to the width (left with '-').
void append_text(std::string_view text, const FormatSpec& spec, std::string& out)
{
    if (spec.precision >= 0) text = text.substr(0, static_cast<std::size_t>(spec.precision));
    const std::size_t fill = fill_for(spec.width, text.size());
    if (!spec.left) out.append(fill, ' ');
    out.append(text);
    if (spec.left) out.append(fill, ' ');
}

/// A decimal number padded to the width: with spaces on the left, zeros with '0', spaces
/// on the right with '-'.
void append_number(std::uint64_t value, const FormatSpec& spec, std::string& out)
{
    std::array<char, 20> digits{};
    const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
    const std::string_view text(digits.data(), static_cast<std::size_t>(end - digits.data()));
    const std::size_t fill = fill_for(spec.width, text.size());
    if (spec.left) {
        out.append(text);
        out.append(fill, ' ');
    } else {
        out.append(fill, spec.zero ? '0' : ' ');
        out.append(text);
    }
}

/// An absent property: its field, filled with the padding character.
void append_blank(const FormatSpec& spec, std::string& out)
{
    out.append(fill_for(spec.width, 0), spec.zero ? '0' : ' ');
}

int print_float(char* buffer, std::size_t size, double value, const FormatSpec& spec)
{
    // A negative precision is printf's default (6 decimals), as upstream passes it.
    if (spec.left) return std::snprintf(buffer, size, "%-*.*f", spec.width, spec.precision, value);
    if (spec.zero) return std::snprintf(buffer, size, "%0*.*f", spec.width, spec.precision, value);
    return std::snprintf(buffer, size, "%*.*f", spec.width, spec.precision, value);
}

/// `value` exactly as printf's %f prints it with the spec's flags, width and precision.
void append_float(double value, const FormatSpec& spec, std::string& out)
{
    const int length = print_float(nullptr, 0, value, spec);
    if (length <= 0) return;
    const std::size_t at = out.size();
    const auto size = static_cast<std::size_t>(length);
    out.resize(at + size + 1);  // room for snprintf's terminating NUL
    print_float(out.data() + at, size + 1, value, spec);
    out.resize(at + size);
}

// ---- The conversions: one renderer per letter

void render_topic(const FormatSpec& spec, RenderContext& c)
{
    append_text(c.message.topic, spec, c.out);
}

/// %p: the raw payload; a width pads it and also cuts it to that many bytes (upstream).
void render_payload(const FormatSpec& spec, RenderContext& c)
{
    if (spec.width <= 0) {
        append_payload(c.out, c.sink, c.message.payload, c.encoding);
        return;
    }
    std::string encoded;
    std::string_view payload = c.message.payload;
    if (c.encoding != Encoding::none) {
        // Only what the width keeps: whole groups of 3 bytes encode to the start of the
        // whole text, longer than the width.
        const std::size_t needed = (static_cast<std::size_t>(spec.width) / 3 + 1) * 3;
        append_encoded(encoded, payload.substr(0, needed), c.encoding);
        payload = encoded;
    }
    payload = payload.substr(0, static_cast<std::size_t>(spec.width));
    const std::size_t fill = fill_for(spec.width, payload.size());
    if (!spec.left) c.out.append(fill, spec.zero ? '0' : ' ');
    c.out.append(payload);
    if (spec.left) c.out.append(fill, ' ');
}

/// %x and %X as mosquitto 2.1: the width counts hex digits (a longer payload is cut to
/// `width` bytes, as for %p), padding included in the groups of `precision` characters
/// that the separator splits.
void append_hex(const FormatSpec& spec, RenderContext& c, const char* digits)
{
    std::string_view payload = c.message.payload;
    if (spec.width > 0) payload = payload.substr(0, static_cast<std::size_t>(spec.width));
    const std::size_t fill = fill_for(spec.width, payload.size() * 2);
    const std::size_t group = spec.precision > 0 ? static_cast<std::size_t>(spec.precision) : 0;
    std::string& out = c.out;
    std::size_t written = 0;
    const std::size_t total = (spec.left ? 0 : fill) + payload.size() * 2;
    // Each character; the separator follows every full group except at the very end.
    const auto put = [&](char ch) {
        out.push_back(ch);
        ++written;
        if (group > 0 && written % group == 0 && written < total) out.push_back(spec.separator);
    };
    if (group == 0 && !c.sink) out.reserve(out.size() + fill + payload.size() * 2);
    if (!spec.left) {
        for (std::size_t i = 0; i < fill; ++i) put(spec.zero ? '0' : ' ');
    }
    constexpr std::size_t piece = 32 * 1024;  // into a sink, written out as it fills
    for (std::size_t at = 0; at < payload.size(); at += piece) {
        for (const char ch : payload.substr(at, piece)) {
            const auto byte = static_cast<unsigned char>(ch);
            put(digits[byte >> 4]);
            put(digits[byte & 0x0f]);
        }
        if (c.sink) c.sink->commit();
    }
    if (spec.left) out.append(fill, ' ');
}

/// %V: the payload as --decode made it (JSON, or decompressed bytes); else the raw payload.
void render_decoded(const FormatSpec&, RenderContext& c)
{
    append_shown_payload(c.out, c.sink, c.message, c.encoding, c.pretty, c.colour);
}

void render_hex_lower(const FormatSpec& spec, RenderContext& c)
{
    append_hex(spec, c, k_lower_hex);
}

void render_hex_upper(const FormatSpec& spec, RenderContext& c)
{
    append_hex(spec, c, k_upper_hex);
}

void render_length(const FormatSpec& spec, RenderContext& c)
{
    append_number(c.message.payload.size(), spec, c.out);
}

void render_mid(const FormatSpec& spec, RenderContext& c)
{
    append_number(static_cast<std::uint64_t>(c.message.mid), spec, c.out);
}

void render_qos(const FormatSpec&, RenderContext& c)
{
    c.out.push_back(static_cast<char>('0' + c.message.qos));
}

void render_retain(const FormatSpec&, RenderContext& c)
{
    c.out.push_back(c.message.retain ? '1' : '0');
}

/// A numeric MQTT 5 property, or its blank field when the message does not carry it.
void append_number_property(int identifier, const FormatSpec& spec, RenderContext& c)
{
    if (const auto value = read_number_property(c.message.properties, identifier)) {
        append_number(*value, spec, c.out);
    } else {
        append_blank(spec, c.out);
    }
}

void render_topic_alias(const FormatSpec& spec, RenderContext& c)
{
    append_number_property(MQTT_PROP_TOPIC_ALIAS, spec, c);
}

void render_message_expiry(const FormatSpec& spec, RenderContext& c)
{
    append_number_property(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, spec, c);
}

void render_payload_format(const FormatSpec& spec, RenderContext& c)
{
    append_number_property(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, spec, c);
}

void render_subscription_id(const FormatSpec& spec, RenderContext& c)
{
    append_number_property(MQTT_PROP_SUBSCRIPTION_IDENTIFIER, spec, c);
}

void render_content_type(const FormatSpec& spec, RenderContext& c)
{
    if (const auto value = read_bytes_property(c.message.properties, MQTT_PROP_CONTENT_TYPE)) {
        append_text(value->view(), spec, c.out);
    } else {
        append_blank(spec, c.out);
    }
}

/// %R: unlike %C, nothing at all when absent (upstream).
void render_response_topic(const FormatSpec& spec, RenderContext& c)
{
    if (const auto value = read_bytes_property(c.message.properties, MQTT_PROP_RESPONSE_TOPIC)) {
        append_text(value->view(), spec, c.out);
    }
}

void render_correlation_data(const FormatSpec&, RenderContext& c)
{
    if (const auto value = read_bytes_property(c.message.properties, MQTT_PROP_CORRELATION_DATA)) { c.out.append(value->view()); }
}

/// %P: every user property as name:value, in the order received, separated by spaces.
void render_user_properties(const FormatSpec&, RenderContext& c)
{
    bool first = true;
    for (const mosquitto_property* p = c.message.properties; p; p = mosquitto_property_next(p)) {
        if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
        const auto pair = read_user_property(p);
        if (!pair) continue;
        if (!first) c.out.push_back(' ');
        first = false;
        c.out.append(pair->name.view());
        c.out.push_back(':');
        c.out.append(pair->value.view());
    }
}

void render_iso_time(const FormatSpec& spec, RenderContext& c)
{
    std::array<char, 100> text{};
    const std::size_t n = std::strftime(text.data(), text.size(), "%FT%T%z", &c.timestamp().local);
    if (n > 0) {
        append_text(std::string_view(text.data(), n), spec, c.out);
    } else {
        append_blank(spec, c.out);
    }
}

void render_unix_time(const FormatSpec&, RenderContext& c)
{
    const std::timespec& wall = c.timestamp().wall;
    fmt::format_to(std::back_inserter(c.out), "{}.{:09}", wall.tv_sec, wall.tv_nsec);
}

/// @N: the nanoseconds of the current second.
void render_nanoseconds(const FormatSpec&, RenderContext& c)
{
    fmt::format_to(std::back_inserter(c.out), "{:09}", c.timestamp().wall.tv_nsec);
}

/// @c: strftime's %c, whatever this C library makes of it.
void render_strftime(const FormatSpec& spec, RenderContext& c)
{
    const char pattern[] = {'%', spec.conversion, '\0'};
    std::array<char, 100> text{};
    // The pattern is the user's on purpose: "@c" is strftime's "%c".
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    const std::size_t n = std::strftime(text.data(), text.size(), pattern, &c.timestamp().local);
#pragma GCC diagnostic pop
    c.out.append(text.data(), n);
}

void render_json_escaped(const FormatSpec&, RenderContext& c)
{
    append_message_json(c.out, c.message, c.timestamp(), JsonPayload::string, c.pretty, c.json_spill(), c.colour);
}

void render_json_embedded(const FormatSpec&, RenderContext& c)
{
    if (!c.payload_is_json) c.payload_is_json = c.message.payload.empty() || json_is_valid(c.message.payload);
    if (!*c.payload_is_json) {
        c.warn(fmt::format("Error: Message payload is not valid JSON on topic {}.", escape_control(c.message.topic)));
        return;
    }
    append_message_json(c.out, c.message, c.timestamp(), JsonPayload::json, c.pretty, c.json_spill(), c.colour);
}

/// %f and %d: the payload as a float or double in this machine's byte order; its size is
/// checked before the message is rendered (size_error).
void render_float(const FormatSpec& spec, RenderContext& c)
{
    float value = 0;
    std::memcpy(&value, c.message.payload.data(), sizeof value);
    append_float(value, spec, c.out);
}

void render_double(const FormatSpec& spec, RenderContext& c)
{
    double value = 0;
    std::memcpy(&value, c.message.payload.data(), sizeof value);
    append_float(value, spec, c.out);
}

/// Why nothing of `message` can be printed with `format`: a %f or %d whose payload has
/// the wrong size. Checked first, as a long payload may be written out part by part.
Status size_error(const Format& format, const Message& message)
{
    for (const auto& part : format.parts()) {
        const bool is_float = part.render == render_float;
        if (!is_float && part.render != render_double) continue;
        const std::size_t size = is_float ? sizeof(float) : sizeof(double);
        if (message.payload.size() == size) continue;
        return Error{fmt::format("Error: Message payload on topic {} is not a {}: {} bytes instead of {}.",
                                 escape_control(message.topic), is_float ? "float" : "double", message.payload.size(), size)};
    }
    return {};
}

struct Conversion {
    char letter;
    Renderer render;
};

/// Every conversion letter of -F and what renders it ("%%" is literal text).
constexpr Conversion k_conversions[] = {
    {'A', render_topic_alias},     {'C', render_content_type},   {'D', render_correlation_data},
    {'d', render_double},          {'E', render_message_expiry}, {'F', render_payload_format},
    {'f', render_float},           {'I', render_iso_time},       {'J', render_json_embedded},
    {'j', render_json_escaped},    {'l', render_length},         {'m', render_mid},
    {'P', render_user_properties}, {'p', render_payload},        {'q', render_qos},
    {'R', render_response_topic},  {'r', render_retain},         {'S', render_subscription_id},
    {'t', render_topic},           {'U', render_unix_time},      {'V', render_decoded},
    {'X', render_hex_upper},       {'x', render_hex_lower},
};

Renderer renderer_for(char letter)
{
    for (const auto& conversion : k_conversions) {
        if (conversion.letter == letter) return conversion.render;
    }
    return nullptr;
}

}  // namespace

Format::Format(const ParsedFormat& parsed)
{
    m_parts.reserve(parsed.parts.size());
    for (const auto& part : parsed.parts) {
        Renderer render = nullptr;
        if (part.kind == FormatPart::Kind::conversion) {
            render = renderer_for(part.spec.conversion);
            // parse_format() admits only k_format_conversions; the unit tests check that each has a renderer.
            if (render == nullptr) throw std::logic_error("no renderer for a -F conversion");
        } else if (part.kind == FormatPart::Kind::time) {
            render = part.spec.conversion == 'N' ? render_nanoseconds : render_strftime;
        }
        m_parts.push_back({part.literal, part.spec, render});
    }
}

Result<Format> compile_format(std::string_view text)
{
    auto parsed = parse_format(text);
    if (!parsed) return Error{std::move(parsed.error())};
    return Format(*parsed);
}

bool want_colour(bool no_color_option, const char* no_color_variable, bool terminal)
{
    return terminal && !no_color_option && (no_color_variable == nullptr || *no_color_variable == '\0');
}

Formatter::Formatter(const Options& options)
    : m_format(options.format ? std::optional<Format>(Format(*options.format)) : std::nullopt), m_verbose(options.verbose),
      m_json(options.json), m_eol(!options.no_eol), m_end(options.null_records ? '\0' : '\n'), m_pretty(options.pretty),
      m_colour(options.pretty && options.colour), m_encoding(options.encoding), m_now(real_time)
{
    tzset();  // local time as TZ says now (localtime_r need not look)
}

Status Formatter::render(const Message& message, std::string& out) const
{
    return render_to(message, out, nullptr);
}

Status Formatter::render(const Message& message, Sink& sink) const
{
    auto error = render_to(message, sink.buffer(), &sink);
    sink.commit();
    return error;
}

Status Formatter::render_to(const Message& message, std::string& out, Sink* sink) const
{
    if (m_json) {
        RenderContext context(message, out, sink, false, false, m_encoding, m_now);
        append_message_json(out, message, context.timestamp(), JsonPayload::lossless, false, context.json_spill());
        if (m_eol) out.push_back(m_end);
        return {};
    }
    if (m_format) {
        if (auto sized = size_error(*m_format, message); !sized) return sized;
        RenderContext context(message, out, sink, m_pretty, m_colour, m_encoding, m_now);
        for (const auto& part : m_format->parts()) {
            if (part.render) {
                part.render(part.spec, context);
            } else {
                out.append(part.literal);
            }
        }
        if (m_eol) out.push_back(m_end);
        if (context.error) return Error{std::move(*context.error)};
        return {};
    }
    // Upstream prints nothing at all for an empty payload, and "topic (null)" with -v.
    if (message.payload.empty()) {
        if (m_verbose && m_eol) {
            out.append(message.topic);
            out.append(" (null)");
            out.push_back(m_end);
        } else if (m_eol && m_end == '\0') {
            out.push_back(m_end);  // -0 frames every message, so an empty one is an empty record
        }
        return {};
    }
    if (m_verbose) {
        out.append(message.topic);
        out.push_back(' ');
    }
    append_shown_payload(out, sink, message, m_encoding, m_pretty, m_colour);
    if (m_eol) out.push_back(m_end);
    return {};
}

}  // namespace mqtt
