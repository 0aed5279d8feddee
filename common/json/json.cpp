#include "json.h"

#include <algorithm>
#include <charconv>

#include "encoding.h"
#include "json_scan.h"

namespace mqtt {

namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

void append_unicode_escape(std::string& out, unsigned char c)
{
    const char escape[] = {'\\', 'u', '0', '0', k_hex_digits[c >> 4], k_hex_digits[c & 0x0f]};
    out.append(escape, sizeof escape);
}

/// The builder of json_is_valid (no writer: it only checks) and json_copy (each token
/// through the writer, numbers and strings as written).
class Copier {
public:
    using Slot = JsonInOrder;

    explicit Copier(JsonWriter* writer) : m_writer(writer) {}

    std::string* string_bytes(Slot) { return nullptr; }
    std::string* name(Slot) { return nullptr; }

    void token(Slot, JsonToken, std::string_view as_written)
    {
        if (m_writer) m_writer->raw(as_written);
    }
    void key(Slot, std::string_view as_written)
    {
        if (m_writer) m_writer->raw_key(as_written);
    }
    void begin(Slot, bool object)
    {
        if (m_writer) object ? m_writer->begin_object() : m_writer->begin_array();
    }
    void end(Slot, bool object)
    {
        if (m_writer) object ? m_writer->end_object() : m_writer->end_array();
    }
    Slot child(Slot, bool object)
    {
        if (m_writer && !object) m_writer->element();
        return {};
    }

private:
    JsonWriter* m_writer;
};

}  // namespace

void append_json_string(std::string& out, std::string_view bytes, const JsonSpill* spill)
{
    out.push_back('"');
    std::size_t run = 0;  // start of the bytes not yet copied
    std::size_t i = 0;
    const auto copy_run = [&] { out.append(bytes.substr(run, i - run)); };
    while (i < bytes.size()) {
        // One piece at a time when the caller takes the text as it grows.
        const std::size_t stop = spill ? std::min(bytes.size(), i + k_json_spill_every) : bytes.size();
        while (i < stop) {
            const auto c = static_cast<unsigned char>(bytes[i]);
            if (c >= 0x80) {
                const std::size_t length = utf8_sequence_length(bytes, i);
                if (length > 0) {
                    i += length;
                    continue;
                }
                copy_run();
                append_unicode_escape(out, c);
            } else if (c < 0x20 || c == '"' || c == '\\') {
                copy_run();
                switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default: append_unicode_escape(out, c); break;
                }
            } else {
                ++i;
                continue;
            }
            run = ++i;
        }
        if (spill && i < bytes.size()) {
            copy_run();
            run = i;
            (*spill)();
        }
    }
    copy_run();
    out.push_back('"');
}

void JsonWriter::base64_string(std::string_view bytes)
{
    // Pieces of a multiple of 3 bytes: their base64 texts join without padding between them.
    constexpr std::size_t piece = k_json_spill_every / 4 * 3;
    colour(JsonColours::string);
    m_out.push_back('"');
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        append_base64(m_out, bytes.substr(at, piece));
        if (m_spill && at + piece < bytes.size()) (*m_spill)();
    }
    m_out.push_back('"');
    colour(JsonColours::reset);
}

void JsonWriter::boolean(bool value)
{
    colour(JsonColours::boolean);
    m_out.append(value ? "true" : "false");
    colour(JsonColours::reset);
}

void JsonWriter::null()
{
    colour(JsonColours::null);
    m_out.append("null");
    colour(JsonColours::reset);
}

void JsonWriter::raw(std::string_view token)
{
    if (m_colour) {
        const char first = token.empty() ? '0' : token.front();
        m_out.append(first == '"'                       ? JsonColours::string
                         : first == 't' || first == 'f' ? JsonColours::boolean
                         : first == 'n'                 ? JsonColours::null
                                                        : JsonColours::number);
    }
    m_out.append(token);
    colour(JsonColours::reset);
}

void JsonWriter::indent(int depth)
{
    if (m_pretty && depth > 0) m_out.append(static_cast<std::size_t>(depth), '\t');
}

void JsonWriter::begin_object()
{
    m_out.push_back('{');
    if (m_pretty) m_out.push_back('\n');
    ++m_depth;
    m_first = true;
}

void JsonWriter::end_object()
{
    // cJSON ends each member's line, and an empty object still gets its line break.
    if (m_pretty && !m_first) m_out.push_back('\n');
    indent(m_depth - 1);
    m_out.push_back('}');
    --m_depth;
    m_first = false;  // the object was a value of its parent, which now has one
}

void JsonWriter::begin_array()
{
    m_out.push_back('[');
    ++m_depth;
    m_first = true;
}

void JsonWriter::end_array()
{
    m_out.push_back(']');
    --m_depth;
    m_first = false;
}

void JsonWriter::begin_member()
{
    if (!m_first) m_out.append(m_pretty ? ",\n" : ",");
    m_first = false;
    indent(m_depth);
}

void JsonWriter::raw_key(std::string_view literal)
{
    begin_member();
    colour(JsonColours::key);
    m_out.append(literal);
    colour(JsonColours::reset);
    m_out.append(m_pretty ? ":\t" : ":");
}

void JsonWriter::key(std::string_view name)
{
    begin_member();
    colour(JsonColours::key);
    append_json_string(m_out, name);
    colour(JsonColours::reset);
    m_out.append(m_pretty ? ":\t" : ":");
}

void JsonWriter::element()
{
    if (!m_first) m_out.append(m_pretty ? ", " : ",");
    m_first = false;
}

void JsonWriter::number(std::uint64_t value)
{
    char digits[20];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    colour(JsonColours::number);
    m_out.append(digits, static_cast<std::size_t>(result.ptr - digits));
    colour(JsonColours::reset);
}

bool json_is_valid(std::string_view text)
{
    Copier checker(nullptr);
    return JsonScanner(text, checker).document({});
}

void json_copy(std::string_view text, JsonWriter& writer)
{
    // Only run on text that json_is_valid() accepted, so no failure leaves half a value.
    Copier copier(&writer);
    JsonScanner(text, copier).document({});
}

}  // namespace mqtt
