#include "json.h"

#include <charconv>

namespace mqtt {

namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

bool in_range(unsigned char c, unsigned char low, unsigned char high)
{
    return c >= low && c <= high;
}

void append_unicode_escape(std::string& out, unsigned char c)
{
    const char escape[] = {'\\', 'u', '0', '0', k_hex_digits[c >> 4], k_hex_digits[c & 0x0f]};
    out.append(escape, sizeof escape);
}

bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/// Recursive descent over one JSON text. With a writer it also copies what it reads; it is
/// then only run on text that a run without a writer accepted, so a failure half-way
/// cannot leave half a value behind.
class Scanner {
public:
    Scanner(std::string_view text, JsonWriter* writer) : m_text(text), m_writer(writer) {}

    bool document()
    {
        skip_whitespace();
        if (!value(0)) return false;
        skip_whitespace();
        return m_pos == m_text.size();
    }

private:
    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

    void skip_whitespace()
    {
        while (!at_end()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++m_pos;
        }
    }

    bool value(int depth)
    {
        switch (peek()) {
        case '{':
            return object(depth + 1);
        case '[':
            return array(depth + 1);
        case '"': {
            const std::size_t start = m_pos;
            if (!string()) return false;
            if (m_writer) m_writer->raw(m_text.substr(start, m_pos - start));
            return true;
        }
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            return number();
        }
    }

    bool literal(std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word) return false;
        m_pos += word.size();
        if (m_writer) m_writer->raw(word);
        return true;
    }

    bool digits()
    {
        const std::size_t start = m_pos;
        while (is_digit(peek())) ++m_pos;
        return m_pos > start;
    }

    bool number()
    {
        const std::size_t start = m_pos;
        if (peek() == '-') ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (!digits()) {
            return false;
        }
        if (peek() == '.') {
            ++m_pos;
            if (!digits()) return false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-') ++m_pos;
            if (!digits()) return false;
        }
        if (m_writer) m_writer->raw(m_text.substr(start, m_pos - start));
        return true;
    }

    /// A string token; m_pos ends after its closing quote.
    bool string()
    {
        ++m_pos;  // the opening quote
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20) return false;
            if (c == '\\') {
                if (!escape()) return false;
            } else if (c < 0x80) {
                ++m_pos;
            } else {
                const std::size_t length = utf8_sequence_length(m_text, m_pos);
                if (length == 0) return false;
                m_pos += length;
            }
        }
        return false;
    }

    bool escape()
    {
        ++m_pos;  // the backslash
        switch (peek()) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            ++m_pos;
            return true;
        case 'u':
            ++m_pos;
            for (int i = 0; i < 4; ++i, ++m_pos) {
                if (!is_hex_digit(peek())) return false;
            }
            return true;
        default:
            return false;
        }
    }

    bool object(int depth)
    {
        if (depth > k_json_max_depth) return false;
        ++m_pos;
        if (m_writer) m_writer->begin_object();
        skip_whitespace();
        if (peek() == '}') {
            ++m_pos;
            if (m_writer) m_writer->end_object();
            return true;
        }
        for (;;) {
            skip_whitespace();
            if (peek() != '"') return false;
            const std::size_t start = m_pos;
            if (!string()) return false;
            if (m_writer) m_writer->raw_key(m_text.substr(start, m_pos - start));
            skip_whitespace();
            if (peek() != ':') return false;
            ++m_pos;
            skip_whitespace();
            if (!value(depth)) return false;
            skip_whitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != '}') return false;
            ++m_pos;
            if (m_writer) m_writer->end_object();
            return true;
        }
    }

    bool array(int depth)
    {
        if (depth > k_json_max_depth) return false;
        ++m_pos;
        if (m_writer) m_writer->begin_array();
        skip_whitespace();
        if (peek() == ']') {
            ++m_pos;
            if (m_writer) m_writer->end_array();
            return true;
        }
        for (;;) {
            skip_whitespace();
            if (m_writer) m_writer->element();
            if (!value(depth)) return false;
            skip_whitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != ']') return false;
            ++m_pos;
            if (m_writer) m_writer->end_array();
            return true;
        }
    }

    std::string_view m_text;
    JsonWriter* m_writer;
    std::size_t m_pos = 0;
};

}  // namespace

std::size_t utf8_sequence_length(std::string_view bytes, std::size_t at)
{
    const std::size_t left = bytes.size() - at;
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(bytes[at + i]); };
    const unsigned char lead = b(0);
    if (lead < 0x80) return 1;
    // The ranges of the Unicode standard's table 3-7 (well-formed UTF-8 byte sequences).
    if (in_range(lead, 0xc2, 0xdf)) return left >= 2 && in_range(b(1), 0x80, 0xbf) ? 2 : 0;
    if (in_range(lead, 0xe0, 0xef)) {
        if (left < 3) return 0;
        const unsigned char low = lead == 0xe0 ? 0xa0 : 0x80;
        const unsigned char high = lead == 0xed ? 0x9f : 0xbf;
        return in_range(b(1), low, high) && in_range(b(2), 0x80, 0xbf) ? 3 : 0;
    }
    if (in_range(lead, 0xf0, 0xf4)) {
        if (left < 4) return 0;
        const unsigned char low = lead == 0xf0 ? 0x90 : 0x80;
        const unsigned char high = lead == 0xf4 ? 0x8f : 0xbf;
        return in_range(b(1), low, high) && in_range(b(2), 0x80, 0xbf) && in_range(b(3), 0x80, 0xbf) ? 4 : 0;
    }
    return 0;
}

bool is_utf8(std::string_view bytes)
{
    for (std::size_t i = 0; i < bytes.size();) {
        if (static_cast<unsigned char>(bytes[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = utf8_sequence_length(bytes, i);
        if (length == 0) return false;
        i += length;
    }
    return true;
}

void append_json_string(std::string& out, std::string_view bytes)
{
    out.push_back('"');
    std::size_t run = 0;  // start of the bytes not yet copied
    std::size_t i = 0;
    const auto copy_run = [&] { out.append(bytes.substr(run, i - run)); };
    while (i < bytes.size()) {
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
    copy_run();
    out.push_back('"');
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
    m_out.append(literal);
    m_out.append(m_pretty ? ":\t" : ":");
}

void JsonWriter::key(std::string_view name)
{
    begin_member();
    append_json_string(m_out, name);
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
    m_out.append(digits, static_cast<std::size_t>(result.ptr - digits));
}

bool json_is_valid(std::string_view text)
{
    return Scanner(text, nullptr).document();
}

void json_copy(std::string_view text, JsonWriter& writer)
{
    Scanner(text, &writer).document();
}

}  // namespace mqtt
