#include "json_value.h"

#include <charconv>
#include <utility>

#include "json.h"

namespace mqtt {

namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t code)
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

/// Recursive descent; the first error stops it.
class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    std::variant<JsonValue, JsonError> document()
    {
        JsonValue result;
        skip_whitespace();
        if (!value(result, 0)) return m_error;
        skip_whitespace();
        if (!at_end()) return JsonError{m_pos, "text after the JSON value"};
        return result;
    }

private:
    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return at_end() ? '\0' : m_text[m_pos]; }

    bool fail(std::string what)
    {
        m_error = {m_pos, std::move(what)};
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

    bool value(JsonValue& out, int depth)
    {
        if (at_end()) return fail("a value is missing");
        switch (peek()) {
        case '{': return object(out, depth + 1);
        case '[': return array(out, depth + 1);
        case '"':
            out.kind = JsonValue::Kind::string;
            return string(out.text);
        case 't': return literal(out, "true", JsonValue::Kind::boolean, true);
        case 'f': return literal(out, "false", JsonValue::Kind::boolean, false);
        case 'n': return literal(out, "null", JsonValue::Kind::null, false);
        default: return number(out);
        }
    }

    bool literal(JsonValue& out, std::string_view word, JsonValue::Kind kind, bool boolean)
    {
        if (m_text.substr(m_pos, word.size()) != word) return fail("not a JSON value");
        m_pos += word.size();
        out.kind = kind;
        out.boolean = boolean;
        return true;
    }

    bool digits()
    {
        const std::size_t start = m_pos;
        while (is_digit(peek())) ++m_pos;
        return m_pos > start;
    }

    bool number(JsonValue& out)
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
        out.kind = JsonValue::Kind::number;
        out.text.assign(m_text.substr(start, m_pos - start));
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

    bool escape(std::string& out)
    {
        ++m_pos;  // the backslash
        const char c = peek();
        ++m_pos;
        switch (c) {
        case '"': out.push_back('"'); return true;
        case '\\': out.push_back('\\'); return true;
        case '/': out.push_back('/'); return true;
        case 'b': out.push_back('\b'); return true;
        case 'f': out.push_back('\f'); return true;
        case 'n': out.push_back('\n'); return true;
        case 'r': out.push_back('\r'); return true;
        case 't': out.push_back('\t'); return true;
        case 'u': break;
        default:
            --m_pos;
            return fail("invalid escape in a string");
        }
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
        append_utf8(out, code);
        return true;
    }

    bool string(std::string& out)
    {
        ++m_pos;  // the opening quote
        out.clear();
        std::size_t run = m_pos;  // start of bytes not yet copied
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                out.append(m_text.substr(run, m_pos - run));
                ++m_pos;
                return true;
            }
            if (c < 0x20) return fail("a control character in a string (it must be escaped)");
            if (c == '\\') {
                out.append(m_text.substr(run, m_pos - run));
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

    bool object(JsonValue& out, int depth)
    {
        if (depth > k_json_max_depth) return fail("nested too deeply");
        ++m_pos;
        out.kind = JsonValue::Kind::object;
        out.names.reserve(8);  // a record has about as many members: one allocation each
        out.values.reserve(8);
        skip_whitespace();
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skip_whitespace();
            if (peek() != '"') return fail("a member name (a string) is missing");
            out.names.emplace_back();
            if (!string(out.names.back())) return false;
            skip_whitespace();
            if (peek() != ':') return fail("':' is missing after a member name");
            ++m_pos;
            skip_whitespace();
            out.values.emplace_back();
            if (!value(out.values.back(), depth)) return false;
            skip_whitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != '}') return fail("',' or '}' is missing");
            ++m_pos;
            return true;
        }
    }

    bool array(JsonValue& out, int depth)
    {
        if (depth > k_json_max_depth) return fail("nested too deeply");
        ++m_pos;
        out.kind = JsonValue::Kind::array;
        skip_whitespace();
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skip_whitespace();
            out.values.emplace_back();
            if (!value(out.values.back(), depth)) return false;
            skip_whitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() != ']') return fail("',' or ']' is missing");
            ++m_pos;
            return true;
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    JsonError m_error;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view name) const
{
    if (kind != Kind::object) return nullptr;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return &values[i];
    }
    return nullptr;
}

JsonValue* JsonValue::find(std::string_view name)
{
    return const_cast<JsonValue*>(std::as_const(*this).find(name));
}

std::optional<std::uint64_t> JsonValue::whole_number(std::uint64_t max) const
{
    if (kind != Kind::number) return std::nullopt;
    std::uint64_t n = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), n);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || n > max) return std::nullopt;
    return n;
}

std::variant<JsonValue, JsonError> json_parse(std::string_view text)
{
    return Parser(text).document();
}

}  // namespace mqtt
