#include "value_writer.h"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

#include "encoding.h"

namespace mqtt {

ValueWriter::ValueWriter(std::string& out, Pass pass, const std::vector<bool>* pair_maps)
    : m_json(out, false), m_pass(pass), m_pair_maps(pair_maps)
{}

bool ValueWriter::fail(std::string reason)
{
    if (m_error.empty()) m_error = std::move(reason);
    return false;
}

bool ValueWriter::push(Frame frame)
{
    if (m_stack.size() >= k_decode_max_depth) { return fail(fmt::format("nested deeper than {} levels", k_decode_max_depth)); }
    m_stack.push_back(frame);
    return true;
}

bool ValueWriter::place(const std::string_view* key_text, bool& written_as_key)
{
    written_as_key = false;
    if (m_done) return fail("a second value after the first");
    if (m_stack.empty()) return true;
    Frame& frame = m_stack.back();
    switch (frame.kind) {
    case Kind::array: m_json.element(); return true;
    case Kind::tag: return true;  // "value": is written
    case Kind::text_chunks:
    case Kind::byte_chunks: return fail("an indefinite-length string holds an item that is not a string of its kind");
    case Kind::map: break;
    }
    if (frame.at_value) {
        if (frame.pairs) m_json.element();
        return true;
    }
    // A first key that starts with '$' would read as one of the markers (mqtt-sub(1),
    // DECODING): such a map is written as pairs too, so that {"$bytes":...} is always a
    // byte string and mqtt-pub --encode can tell the two apart.
    const bool marker_like = key_text != nullptr && frame.seen == 0 && key_text->starts_with('$') && !m_marker_key;
    if (!frame.pairs && (key_text == nullptr || marker_like)) {
        if (m_pass == Pass::first) {
            m_needs_pairs = true;
            return fail("a map key that is not a text string");
        }
        if (m_pass != Pass::scan) return fail("a map key that is not a text string");
        m_seen_pair_maps[frame.ordinal] = true;
        frame.pairs = true;  // the scan's output is thrown away
    }
    if (frame.pairs) {
        m_json.element();
        m_json.begin_array();
        m_json.element();
        return true;
    }
    m_json.key(*key_text);
    written_as_key = true;
    return true;
}

void ValueWriter::close_map(const Frame& frame)
{
    if (frame.pairs) m_json.end_array();
    m_json.end_object();
}

void ValueWriter::complete()
{
    while (!m_stack.empty()) {
        Frame& frame = m_stack.back();
        switch (frame.kind) {
        case Kind::array:
            ++frame.seen;
            if (frame.indefinite || frame.seen < frame.count) return;
            m_json.end_array();
            break;
        case Kind::tag: m_json.end_object(); break;
        case Kind::map:
            if (!frame.at_value) {
                frame.at_value = true;
                return;
            }
            frame.at_value = false;
            if (frame.pairs) m_json.end_array();
            ++frame.seen;
            if (frame.indefinite || frame.seen < frame.count) return;
            close_map(frame);
            break;
        case Kind::text_chunks:
        case Kind::byte_chunks: return;  // not reached: string pieces do not complete items
        }
        m_stack.pop_back();
    }
    m_done = true;
}

bool ValueWriter::begin_array(std::optional<std::uint64_t> count)
{
    bool as_key = false;
    if (!place(nullptr, as_key)) return false;
    if (!push({Kind::array, !count.has_value(), false, false, count.value_or(0), 0, 0})) return false;
    m_json.begin_array();
    if (count && *count == 0) {
        m_json.end_array();
        m_stack.pop_back();
        complete();
    }
    return true;
}

bool ValueWriter::begin_map(std::optional<std::uint64_t> count)
{
    bool as_key = false;
    if (!place(nullptr, as_key)) return false;
    const std::size_t ordinal = m_maps++;
    bool pairs = false;
    if (m_pass == Pass::scan) m_seen_pair_maps.push_back(false);
    if (m_pass == Pass::final && m_pair_maps && ordinal < m_pair_maps->size()) pairs = (*m_pair_maps)[ordinal];
    const Frame frame{Kind::map, !count.has_value(), pairs, false, count.value_or(0), 0, ordinal};
    if (!push(frame)) return false;
    m_json.begin_object();
    if (pairs) {
        m_json.key("$map");
        m_json.begin_array();
    }
    if (count && *count == 0) {
        close_map(frame);
        m_stack.pop_back();
        complete();
    }
    return true;
}

bool ValueWriter::begin_tag(std::uint64_t tag)
{
    bool as_key = false;
    if (!place(nullptr, as_key)) return false;
    if (!push({Kind::tag})) return false;
    m_json.begin_object();
    m_json.key("$tag");
    m_json.number(tag);
    m_json.key("value");
    return true;
}

bool ValueWriter::begin_chunks(bool text)
{
    if (m_done) return fail("a second value after the first");
    if (!m_stack.empty() && (m_stack.back().kind == Kind::text_chunks || m_stack.back().kind == Kind::byte_chunks)) {
        return fail("an indefinite-length string inside another");
    }
    if (!push({text ? Kind::text_chunks : Kind::byte_chunks, true})) return false;
    m_chunks.clear();
    return true;
}

bool ValueWriter::end_indefinite()
{
    if (m_stack.empty() || !m_stack.back().indefinite) return fail("a \"break\" outside an indefinite-length item");
    const Frame frame = m_stack.back();
    m_stack.pop_back();
    switch (frame.kind) {
    case Kind::text_chunks:
    case Kind::byte_chunks: {
        const std::string whole = std::move(m_chunks);
        m_chunks.clear();
        return string_item(whole, frame.kind == Kind::text_chunks);
    }
    case Kind::array: m_json.end_array(); break;
    case Kind::map:
        if (frame.at_value) return fail("a map ends after a key without its value");
        close_map(frame);
        break;
    case Kind::tag: break;
    }
    complete();
    return true;
}

bool ValueWriter::string_item(std::string_view bytes, bool is_text)
{
    if (!m_stack.empty()) {
        const Kind top = m_stack.back().kind;
        if (top == Kind::text_chunks || top == Kind::byte_chunks) {
            if ((top == Kind::text_chunks) != is_text) {
                return fail("an indefinite-length string holds an item that is not a string of its kind");
            }
            m_chunks.append(bytes);
            return true;
        }
    }
    bool as_key = false;
    if (!place(is_text ? &bytes : nullptr, as_key)) return false;
    if (!as_key) {
        if (is_text) {
            m_json.string(bytes);
        } else {
            std::string encoded;
            append_base64(encoded, bytes);
            marker("$bytes", encoded, true);
        }
    }
    complete();
    return true;
}

void ValueWriter::marker(std::string_view name, std::string_view value_token, bool string_value)
{
    m_json.begin_object();
    m_json.key(name);
    if (string_value) {
        m_json.string(value_token);
    } else {
        m_json.raw(value_token);
    }
    m_json.end_object();
}

bool ValueWriter::text(std::string_view bytes)
{
    return string_item(bytes, true);
}

bool ValueWriter::marker_key(std::string_view name)
{
    m_marker_key = true;
    const bool ok = string_item(name, true);
    m_marker_key = false;
    return ok;
}

bool ValueWriter::bytes(std::string_view bytes)
{
    return string_item(bytes, false);
}

bool ValueWriter::scalar_placed()
{
    bool as_key = false;
    return place(nullptr, as_key);
}

bool ValueWriter::unsigned_integer(std::uint64_t value)
{
    if (!scalar_placed()) return false;
    m_json.number(value);
    complete();
    return true;
}

bool ValueWriter::negative_integer(std::uint64_t n)
{
    if (!scalar_placed()) return false;
    if (n == UINT64_MAX) {
        m_json.raw("-18446744073709551616");  // -1 - (2^64 - 1): one past int64 and uint64
    } else {
        char digits[21] = {'-'};
        const auto end = std::to_chars(digits + 1, digits + sizeof digits, n + 1).ptr;
        m_json.raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    complete();
    return true;
}

bool ValueWriter::signed_integer(std::int64_t value)
{
    if (!scalar_placed()) return false;
    char digits[21];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    m_json.raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    complete();
    return true;
}

bool ValueWriter::floating(double value)
{
    return real(value);
}

bool ValueWriter::single(float value)
{
    return real(value);
}

template <typename Real> bool ValueWriter::real(Real value)
{
    if (!scalar_placed()) return false;
    if (std::isnan(value)) {
        marker("$float", "NaN", true);
    } else if (std::isinf(value)) {
        marker("$float", value > 0 ? "Infinity" : "-Infinity", true);
    } else {
        // fmt's shortest round-trip form (header-only): std::to_chars of a double would
        // make the tools load libm at start-up (about 200 k instructions) for this alone.
        char text[40];
        const auto end = fmt::format_to_n(text, sizeof text, "{}", value).out;
        std::string_view token(text, static_cast<std::size_t>(end - text));
        m_json.raw(token);
        // A float keeps looking like one: 2.0, not the integer 2.
        if (token.find_first_of(".e") == std::string_view::npos) m_json.raw(".0");
    }
    complete();
    return true;
}

bool ValueWriter::boolean(bool value)
{
    if (!scalar_placed()) return false;
    m_json.boolean(value);
    complete();
    return true;
}

bool ValueWriter::null()
{
    if (!scalar_placed()) return false;
    m_json.null();
    complete();
    return true;
}

bool ValueWriter::undefined()
{
    if (!scalar_placed()) return false;
    marker("$undefined", "true", false);
    complete();
    return true;
}

bool ValueWriter::simple(unsigned value)
{
    if (!scalar_placed()) return false;
    char digits[4];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    marker("$simple", std::string_view(digits, static_cast<std::size_t>(end - digits)), false);
    complete();
    return true;
}

bool ValueWriter::extension(std::int8_t type, std::string_view data)
{
    if (!scalar_placed()) return false;
    char digits[5];
    const auto end = std::to_chars(digits, digits + sizeof digits, static_cast<int>(type)).ptr;
    std::string encoded;
    append_base64(encoded, data);
    m_json.begin_object();
    m_json.key("$ext");
    m_json.raw(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    m_json.key("data");
    m_json.string(encoded);
    m_json.end_object();
    complete();
    return true;
}

}  // namespace mqtt
