// The JSON grammar (RFC 8259) written once: a recursive-descent scanner that tells a
// builder what it reads. json_is_valid and json_copy (json.cpp) and json_parse
// (json_value.cpp) are builders over it, so they accept the same texts, as does --where's
// builder of jq values (jobs/where_filter.cpp); only those three files include this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json.h"

namespace mqtt {

/// The kinds of token a builder is given whole (objects and arrays come as begin/end).
enum class JsonToken { string, number, literal };

/// The Slot of a builder that writes values in the order they come rather than into places.
struct JsonInOrder {};

/// Reads one JSON text and calls, in text order, these members of `Builder`:
///   using Slot = ...;                          where a value goes, passed by value
///   std::string* string_bytes(Slot)            where a string value is decoded to, or nullptr
///                                              to check it only (a lone \u surrogate fails
///                                              either way, as in cJSON: what %J prints as JSON,
///                                              --json can read back)
///   void token(Slot, JsonToken, std::string_view as_written)
///                                              a string (after string_bytes), number or literal
///   void begin(Slot, bool object); void end(Slot, bool object);
///   std::string* name(Slot object)             where a member name is decoded to, or nullptr
///   void key(Slot object, std::string_view as_written)   the name with its quotes
///   Slot child(Slot container, bool object)    the place of the next element or member value
/// The first error stops the scan; error_offset() and error() then say where and why.
template <class Builder> class JsonScanner {
public:
    using Slot = typename Builder::Slot;

    JsonScanner(std::string_view text, Builder& builder) : m_text(text), m_builder(builder) {}

    /// Reads the whole text as one value, with optional whitespace around it, into `root`.
    bool document(Slot root)
    {
        skip_whitespace();
        if (!value(root, 0)) return false;
        skip_whitespace();
        if (!at_end()) return fail("text after the JSON value");
        return true;
    }

    /// Of the first byte that does not fit, from 0 (after document() returned false).
    std::size_t error_offset() const { return m_error_offset; }
    /// Why it does not fit, e.g. "unterminated string".
    std::string_view error() const { return m_error; }

private:
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }

    static int hex_value(char c)
    {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    static void append_utf8(std::string& out, std::uint32_t code)
    {
        if (code < 0x80) {
            out.push_back(static_cast<char>(code));
        } else if (code < 0x800) {
            out.push_back(static_cast<char>(0xc0 | (code >> 6)));
            out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
        } else if (code < 0x10000) {
            out.push_back(static_cast<char>(0xe0 | (code >> 12)));
            out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
        } else {
            out.push_back(static_cast<char>(0xf0 | (code >> 18)));
            out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3f)));
            out.push_back(static_cast<char>(0x80 | (code & 0x3f)));
        }
    }

    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
    std::string_view since(std::size_t start) const { return m_text.substr(start, m_pos - start); }

    /// A literal, not a std::string: checking a payload must not allocate.
    bool fail(std::string_view what)
    {
        m_error_offset = m_pos;
        m_error = what;
        return false;
    }

    void skip_whitespace()
    {
        while (!at_end()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++m_pos;
        }
    }

    bool value(Slot slot, int depth)
    {
        if (at_end()) return fail("a value is missing");
        switch (peek()) {
        case '{': return container(slot, depth + 1, true);
        case '[': return container(slot, depth + 1, false);
        case '"': {
            const std::size_t start = m_pos;
            if (!string(m_builder.string_bytes(slot))) return false;
            m_builder.token(slot, JsonToken::string, since(start));
            return true;
        }
        case 't': return literal(slot, "true");
        case 'f': return literal(slot, "false");
        case 'n': return literal(slot, "null");
        default: return number(slot);
        }
    }

    bool literal(Slot slot, std::string_view word)
    {
        if (m_text.substr(m_pos, word.size()) != word) return fail("not a JSON value");
        m_pos += word.size();
        m_builder.token(slot, JsonToken::literal, word);
        return true;
    }

    bool digits()
    {
        const std::size_t start = m_pos;
        while (is_digit(peek())) ++m_pos;
        return m_pos > start;
    }

    bool number(Slot slot)
    {
        const std::size_t start = m_pos;
        if (peek() == '-') ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (!digits()) {
            m_pos = start;
            return fail("not a JSON value");
        }
        if (peek() == '.') {
            ++m_pos;
            if (!digits()) return fail("a digit must follow the decimal point");
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-') ++m_pos;
            if (!digits()) return fail("the exponent has no digits");
        }
        m_builder.token(slot, JsonToken::number, since(start));
        return true;
    }

    /// Four hex digits after "\u".
    bool hex4(std::uint32_t& code)
    {
        code = 0;
        for (int i = 0; i < 4; ++i, ++m_pos) {
            const int v = hex_value(peek());
            if (v < 0) return fail("\\u needs four hex digits");
            code = code << 4 | static_cast<std::uint32_t>(v);
        }
        return true;
    }

    /// After "\u": a character, decoded to `out` unless it is nullptr.
    bool unicode_escape(std::string* out)
    {
        std::uint32_t code = 0;
        if (!hex4(code)) return false;
        if (code >= 0xdc00 && code <= 0xdfff) return fail("a low surrogate without a high one");
        if (code >= 0xd800 && code <= 0xdbff) {
            // A character beyond U+FFFF: the low half must follow at once.
            if (m_text.substr(m_pos, 2) != "\\u") return fail("a high surrogate without a low one");
            m_pos += 2;
            std::uint32_t low = 0;
            if (!hex4(low)) return false;
            if (low < 0xdc00 || low > 0xdfff) return fail("a high surrogate without a low one");
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        }
        if (out != nullptr) append_utf8(*out, code);
        return true;
    }

    bool escape(std::string* out)
    {
        ++m_pos;  // the backslash
        const char c = peek();
        ++m_pos;
        char byte = c;
        switch (c) {
        case '"':
        case '\\':
        case '/': break;
        case 'b': byte = '\b'; break;
        case 'f': byte = '\f'; break;
        case 'n': byte = '\n'; break;
        case 'r': byte = '\r'; break;
        case 't': byte = '\t'; break;
        case 'u': return unicode_escape(out);
        default: --m_pos; return fail("invalid escape in a string");
        }
        if (out != nullptr) out->push_back(byte);
        return true;
    }

    /// A string token, decoded to `out` unless it is nullptr; m_pos ends after its closing quote.
    bool string(std::string* out)
    {
        ++m_pos;  // the opening quote
        if (out != nullptr) out->clear();
        std::size_t run = m_pos;  // start of the bytes not yet copied to `out`
        const auto copy_run = [&] {
            if (out != nullptr) out->append(since(run));
        };
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                copy_run();
                ++m_pos;
                return true;
            }
            if (c < 0x20) return fail("a control character in a string (it must be escaped)");
            if (c == '\\') {
                copy_run();
                if (!escape(out)) return false;
                run = m_pos;
            } else if (c < 0x80) {
                ++m_pos;
            } else {
                const std::size_t length = utf8_sequence_length(m_text, m_pos);
                if (length == 0) return fail("a string that is not valid UTF-8");
                m_pos += length;
            }
        }
        return fail("unterminated string");
    }

    /// A member name, its ':' and the whitespace around it.
    bool member_name(Slot object)
    {
        if (peek() != '"') return fail("a member name (a string) is missing");
        const std::size_t start = m_pos;
        if (!string(m_builder.name(object))) return false;
        m_builder.key(object, since(start));
        skip_whitespace();
        if (peek() != ':') return fail("':' is missing after a member name");
        ++m_pos;
        skip_whitespace();
        return true;
    }

    /// An object (members "name": value) or an array (values), separated by ','.
    bool container(Slot slot, int depth, bool object)
    {
        if (depth > k_json_max_depth) return fail("nested too deeply");
        const char close = object ? '}' : ']';
        ++m_pos;
        m_builder.begin(slot, object);
        skip_whitespace();
        if (peek() != close) {
            for (;;) {
                skip_whitespace();
                if (object && !member_name(slot)) return false;
                if (!value(m_builder.child(slot, object), depth)) return false;
                skip_whitespace();
                if (peek() != ',') break;
                ++m_pos;
            }
            if (peek() != close) return fail(object ? "',' or '}' is missing" : "',' or ']' is missing");
        }
        ++m_pos;
        m_builder.end(slot, object);
        return true;
    }

    std::string_view m_text;
    Builder& m_builder;
    std::size_t m_pos = 0;
    std::size_t m_error_offset = 0;
    std::string_view m_error;
};

}  // namespace mqtt
