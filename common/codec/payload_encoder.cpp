#include "payload_encoder.h"

#include <charconv>
#include <cmath>
#include <clocale>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <vector>

// Header-only and without Boost: only the packer is used.
#define MSGPACK_NO_BOOST
#include <msgpack.hpp>

#include "cbor_library.h"
#include "compress.h"
#include "encoding.h"
#include "error.h"
#include "json.h"
#include "quote.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

using Kind = JsonValue::Kind;

/// A JSON number as written: a whole number (no fraction, no exponent) with its sign and
/// magnitude, or a floating-point value.
struct Number {
    bool integer = false;
    bool negative = false;
    bool beyond_64_bits = false;  ///< the magnitude does not fit in 64 bits
    std::uint64_t magnitude = 0;
    /// The magnitude is exactly 2^64 (so -2^64, CBOR's lowest integer).
    bool two_to_64 = false;
    double value = 0;
};

/// `token` is a number json_parse accepted.
Number read_number(std::string_view token)
{
    Number n;
    n.negative = token.starts_with('-');
    n.integer = token.find_first_of(".eE") == std::string_view::npos;
    if (!n.integer) {
        // strtod_l in the C locale, correctly rounded: from_chars of a double would make the
        // tools load libm at start-up (fesetround) for this alone. The token is a JSON
        // number, copied so that it ends in a NUL.
        static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
        const std::string text(token);
        n.value = strtod_l(text.c_str(), nullptr, c_locale);
        return n;
    }
    const std::string_view digits = token.substr(n.negative ? 1 : 0);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n.magnitude);
    (void)end;
    if (error == std::errc::result_out_of_range) {
        n.beyond_64_bits = true;
        n.two_to_64 = digits == "18446744073709551616";
    }
    return n;
}

/// The sentence part for an integer a format cannot hold.
std::string out_of_range(std::string_view token, std::string_view format, std::string_view range)
{
    return fmt::format("the integer {} is beyond what {} holds ({})", cut_value(token), format, range);
}

/// What the markers of mqtt-sub(1) DECODING stand for.
struct Marker {
    enum class Kind { none, bytes, tag, undefined, simple, special_float, ext, map };
    Kind kind = Kind::none;
    std::string data;                 ///< bytes, ext: the decoded base64
    std::uint64_t number = 0;         ///< tag, simple
    std::int8_t ext_type = 0;         ///< ext
    double value = 0;                 ///< special_float
    const JsonValue* item = nullptr;  ///< tag: the item tagged; map: the array of pairs
};

/// A whole number token in [min, max], else nullopt.
std::optional<std::int64_t> small_integer(const JsonValue& value, std::int64_t min, std::int64_t max)
{
    if (value.kind != Kind::number) return std::nullopt;
    const Number n = read_number(value.text);
    if (!n.integer || n.beyond_64_bits || n.magnitude > 1000000) return std::nullopt;  // far beyond any use here
    const auto magnitude = static_cast<std::int64_t>(n.magnitude);
    const std::int64_t v = n.negative ? -magnitude : magnitude;
    if (v < min || v > max) return std::nullopt;
    return v;
}

std::string bad_marker(std::string_view name, std::string_view shape)
{
    return fmt::format("\"{}\" must be written {}", name, shape);
}

/// The marker `object` is, if its first member's name starts with '$'; an error when it
/// does but is no marker of the right shape.
Result<Marker> read_marker(const JsonValue& object)
{
    Marker m;
    if (object.names.empty() || !object.names.front().starts_with('$')) return m;
    const std::string& name = object.names.front();
    const JsonValue& first = object.values.front();
    const std::size_t members = object.names.size();
    const auto second_is = [&](std::string_view second) { return members == 2 && object.names[1] == second; };
    if (name == "$bytes") {
        std::optional<std::string> bytes;
        if (members == 1 && first.kind == Kind::string) bytes = decode_base64(first.text);
        if (!bytes) return Error{bad_marker(name, "{\"$bytes\":\"<base64>\"}")};
        m.kind = Marker::Kind::bytes;
        m.data = std::move(*bytes);
    } else if (name == "$tag") {
        const auto tag = first.whole_number(std::numeric_limits<std::uint64_t>::max());
        if (!tag || !second_is("value")) return Error{bad_marker(name, "{\"$tag\":<0 to 2^64-1>,\"value\":<item>}")};
        m.kind = Marker::Kind::tag;
        m.number = *tag;
        m.item = &object.values[1];
    } else if (name == "$undefined") {
        if (members != 1 || first.kind != Kind::boolean || !first.boolean)
            return Error{bad_marker(name, "{\"$undefined\":true}")};
        m.kind = Marker::Kind::undefined;
    } else if (name == "$simple") {
        const auto simple = first.whole_number(255);
        if (members != 1 || !simple || (*simple >= 24 && *simple <= 31)) {
            return Error{bad_marker(name, "{\"$simple\":<0 to 23 or 32 to 255>}")};
        }
        m.kind = Marker::Kind::simple;
        m.number = *simple;
    } else if (name == "$float") {
        const std::string_view text = first.kind == Kind::string ? std::string_view(first.text) : std::string_view();
        if (members != 1 || (text != "NaN" && text != "Infinity" && text != "-Infinity")) {
            return Error{bad_marker(name, "{\"$float\":\"NaN\"}, {\"$float\":\"Infinity\"} or {\"$float\":\"-Infinity\"}")};
        }
        m.kind = Marker::Kind::special_float;
        m.value = text == "NaN"  ? std::numeric_limits<double>::quiet_NaN()
            : text == "Infinity" ? std::numeric_limits<double>::infinity()
                                 : -std::numeric_limits<double>::infinity();
    } else if (name == "$ext") {
        const auto type = small_integer(first, -128, 127);
        std::optional<std::string> data;
        if (type && second_is("data") && object.values[1].kind == Kind::string) data = decode_base64(object.values[1].text);
        if (!data) return Error{bad_marker(name, "{\"$ext\":<-128 to 127>,\"data\":\"<base64>\"}")};
        m.kind = Marker::Kind::ext;
        m.ext_type = static_cast<std::int8_t>(*type);
        m.data = std::move(*data);
    } else if (name == "$map") {
        bool pairs = members == 1 && first.kind == Kind::array;
        for (std::size_t i = 0; pairs && i < first.values.size(); ++i) {
            pairs = first.values[i].kind == Kind::array && first.values[i].values.size() == 2;
        }
        if (!pairs) return Error{bad_marker(name, "{\"$map\":[[<key>,<value>],...]}")};
        m.kind = Marker::Kind::map;
        m.item = &first;
    } else {
        return Error{
            fmt::format("an object whose first member is {} is none of the markers ($bytes, $tag, $undefined, "
                        "$simple, $float, $ext, $map); a map with such a key is written {{\"$map\":[[<key>,<value>],...]}}",
                        quote_value(name))};
    }
    return m;
}

/// Walks `root` depth first with a stack of its own and tells `out` each item: the
/// containers' heads (their counts known, since the tree is whole) and the scalars, with
/// the markers read as what they stand for when `markers` is set.
template <class Emitter> Status walk(const JsonValue& root, Emitter& out, bool markers)
{
    enum class Mode { array, object, pairs };
    struct Frame {
        const JsonValue* node;
        Mode mode;
        std::size_t next = 0;
    };
    std::vector<Frame> stack;
    const JsonValue* item = &root;
    while (true) {
        while (item != nullptr) {
            const JsonValue& v = *item;
            item = nullptr;
            switch (v.kind) {
            case Kind::null: out.null(); break;
            case Kind::boolean: out.boolean(v.boolean); break;
            case Kind::number:
                if (auto done = out.number(v.text); !done) return done;
                break;
            case Kind::string: out.text(v.text); break;
            case Kind::array:
                out.begin_array(v.values.size());
                stack.push_back({&v, Mode::array});
                break;
            case Kind::object: {
                Marker m;
                if (markers) {
                    auto read = read_marker(v);
                    if (!read) return Error{std::move(read.error())};
                    m = std::move(*read);
                }
                Status done;
                switch (m.kind) {
                case Marker::Kind::none:
                    out.begin_map(v.values.size());
                    stack.push_back({&v, Mode::object});
                    break;
                case Marker::Kind::bytes: out.bytes(m.data); break;
                case Marker::Kind::tag:
                    done = out.tag(m.number);
                    item = m.item;
                    break;
                case Marker::Kind::undefined: done = out.undefined(); break;
                case Marker::Kind::simple: done = out.simple(static_cast<std::uint8_t>(m.number)); break;
                case Marker::Kind::special_float: out.floating(m.value); break;
                case Marker::Kind::ext: done = out.ext(m.ext_type, m.data); break;
                case Marker::Kind::map:
                    out.begin_map(m.item->values.size());
                    stack.push_back({m.item, Mode::pairs});
                    break;
                }
                if (!done) return done;
                break;
            }
            }
        }
        // The next item of the innermost container, closing those that are complete.
        while (item == nullptr && !stack.empty()) {
            Frame& frame = stack.back();
            const std::vector<JsonValue>& values = frame.node->values;
            const std::size_t count = frame.mode == Mode::pairs ? 2 * values.size() : values.size();
            if (frame.next == count) {
                if (frame.mode == Mode::array) {
                    out.end_array();
                } else {
                    out.end_map();
                }
                stack.pop_back();
                continue;
            }
            const std::size_t i = frame.next++;
            switch (frame.mode) {
            case Mode::array:
                out.element();
                item = &values[i];
                break;
            case Mode::object:
                out.key(frame.node->names[i]);
                item = &values[i];
                break;
            case Mode::pairs:
                out.element();
                item = &values[i / 2].values[i % 2];
                break;
            }
        }
        if (item == nullptr) return {};
    }
}

/// Items as CBOR (RFC 8949) in its preferred serialization: the shortest head for every
/// count and integer, definite lengths, and each float in the shortest of half, single and
/// double precision that holds its value exactly.
class CborEmitter {
public:
    CborEmitter(const CborLibrary& cbor, std::string& out) : m_cbor(cbor), m_out(out) {}

    void null() { put(m_cbor.encode_null(m_head, sizeof m_head)); }
    void boolean(bool v) { put(m_cbor.encode_bool(v, m_head, sizeof m_head)); }
    Status number(std::string_view token)
    {
        const Number n = read_number(token);
        if (!n.integer) {
            floating(n.value);
        } else if (n.negative && n.two_to_64) {
            put(m_cbor.encode_negint(std::numeric_limits<std::uint64_t>::max(), m_head, sizeof m_head));  // -2^64
        } else if (n.beyond_64_bits) {
            return Error{out_of_range(token, "CBOR", "-2^64 to 2^64-1")};
        } else if (!n.negative || n.magnitude == 0) {
            put(m_cbor.encode_uint(n.magnitude, m_head, sizeof m_head));
        } else {
            put(m_cbor.encode_negint(n.magnitude - 1, m_head, sizeof m_head));  // CBOR's -1 - n
        }
        return {};
    }
    void text(std::string_view v)
    {
        put(m_cbor.encode_string_start(v.size(), m_head, sizeof m_head));
        m_out.append(v);
    }
    void bytes(std::string_view v)
    {
        put(m_cbor.encode_bytestring_start(v.size(), m_head, sizeof m_head));
        m_out.append(v);
    }
    void begin_array(std::size_t n) { put(m_cbor.encode_array_start(n, m_head, sizeof m_head)); }
    void begin_map(std::size_t n) { put(m_cbor.encode_map_start(n, m_head, sizeof m_head)); }
    void key(std::string_view name) { text(name); }
    void element() {}
    void end_array() {}
    void end_map() {}
    Status tag(std::uint64_t n)
    {
        put(m_cbor.encode_tag(n, m_head, sizeof m_head));
        return {};
    }
    Status undefined()
    {
        put(m_cbor.encode_undef(m_head, sizeof m_head));
        return {};
    }
    Status simple(std::uint8_t n)
    {
        put(m_cbor.encode_ctrl(n, m_head, sizeof m_head));
        return {};
    }
    Status ext(std::int8_t, std::string_view) { return Error{"a MessagePack extension ($ext) has no CBOR form"}; }

    void floating(double v)
    {
        if (v != v) {  // NaN: f9 7e00, the one CBOR's preferred serialization writes
            put(m_cbor.encode_half(std::numeric_limits<float>::quiet_NaN(), m_head, sizeof m_head));
            return;
        }
        // Beyond float's range the conversion would be undefined: such a value is a double.
        constexpr double float_max = std::numeric_limits<float>::max();
        if ((v > float_max || v < -float_max) && !std::isinf(v)) {
            put(m_cbor.encode_double(v, m_head, sizeof m_head));
            return;
        }
        const auto single = static_cast<float>(v);
        if (static_cast<double>(single) != v) {
            put(m_cbor.encode_double(v, m_head, sizeof m_head));
            return;
        }
        std::uint32_t bits = 0;
        std::memcpy(&bits, &single, sizeof bits);
        const int exponent = static_cast<int>((bits >> 23) & 0xff) - 127;
        const std::uint32_t mantissa = bits & 0x7fffff;
        if (exponent == 128 || (exponent == -127 && mantissa == 0) ||
            (exponent >= -14 && exponent <= 15 && (mantissa & 0x1fff) == 0)) {
            put(m_cbor.encode_half(single, m_head, sizeof m_head));  // infinities, zeros, normal halves
            return;
        }
        // A subnormal half (k * 2^-24, k < 1024): libcbor 0.8 keeps only its leading bit,
        // so its two bytes are written here.
        const double scaled = (v < 0 ? -v : v) * 16777216.0;
        if (exponent < -14 && scaled < 1024.0 && static_cast<double>(static_cast<std::uint32_t>(scaled)) == scaled) {
            const auto half = static_cast<std::uint16_t>((v < 0 ? 0x8000u : 0u) | static_cast<std::uint32_t>(scaled));
            m_out.push_back(static_cast<char>(0xf9));
            m_out.push_back(static_cast<char>(half >> 8));
            m_out.push_back(static_cast<char>(half & 0xff));
            return;
        }
        put(m_cbor.encode_single(single, m_head, sizeof m_head));
    }

private:
    void put(std::size_t size) { m_out.append(reinterpret_cast<const char*>(m_head), size); }

    const CborLibrary& m_cbor;
    std::string& m_out;
    unsigned char m_head[9] = {};
};

/// What msgpack-cxx's packer writes into: the end of a string.
struct StringStream {
    std::string& out;
    void write(const char* data, std::size_t size) { out.append(data, size); }
};

/// Items as MessagePack: the smallest form of every integer, string, count and extension
/// (as msgpack-cxx and the reference implementations pack them), floats as float64.
class MsgpackEmitter {
public:
    explicit MsgpackEmitter(std::string& out) : m_stream{out}, m_packer(m_stream) {}

    void null() { m_packer.pack_nil(); }
    void boolean(bool v)
    {
        if (v) {
            m_packer.pack_true();
        } else {
            m_packer.pack_false();
        }
    }
    Status number(std::string_view token)
    {
        const Number n = read_number(token);
        if (!n.integer) {
            floating(n.value);
            return {};
        }
        constexpr std::uint64_t lowest = std::uint64_t{1} << 63;  // -2^63
        if (n.beyond_64_bits || (n.negative && n.magnitude > lowest)) {
            return Error{out_of_range(token, "MessagePack", "-2^63 to 2^64-1")};
        }
        if (!n.negative || n.magnitude == 0) {
            m_packer.pack_uint64(n.magnitude);
        } else {
            m_packer.pack_int64(n.magnitude == lowest ? std::numeric_limits<std::int64_t>::min()
                                                      : -static_cast<std::int64_t>(n.magnitude));
        }
        return {};
    }
    /// Always float64 (cb and the 8 bytes, big-endian), written here: msgpack-cxx's
    /// pack_double packs a whole-number double as an integer (2.0 as 2), and converts
    /// values beyond 2^64 to uint64_t on the way (undefined).
    void floating(double v)
    {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        char bytes[9];
        bytes[0] = static_cast<char>(0xcb);
        for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
        m_stream.write(bytes, sizeof bytes);
    }
    void text(std::string_view v)
    {
        m_packer.pack_str(static_cast<std::uint32_t>(v.size()));
        m_packer.pack_str_body(v.data(), static_cast<std::uint32_t>(v.size()));
    }
    void bytes(std::string_view v)
    {
        m_packer.pack_bin(static_cast<std::uint32_t>(v.size()));
        m_packer.pack_bin_body(v.data(), static_cast<std::uint32_t>(v.size()));
    }
    void begin_array(std::size_t n) { m_packer.pack_array(static_cast<std::uint32_t>(n)); }
    void begin_map(std::size_t n) { m_packer.pack_map(static_cast<std::uint32_t>(n)); }
    void key(std::string_view name) { text(name); }
    void element() {}
    void end_array() {}
    void end_map() {}
    Status tag(std::uint64_t) { return Error{"a CBOR tag ($tag) has no MessagePack form"}; }
    Status undefined() { return Error{"CBOR's undefined ($undefined) has no MessagePack form"}; }
    Status simple(std::uint8_t) { return Error{"a CBOR simple value ($simple) has no MessagePack form"}; }
    Status ext(std::int8_t type, std::string_view data)
    {
        m_packer.pack_ext(data.size(), type);
        m_packer.pack_ext_body(data.data(), static_cast<std::uint32_t>(data.size()));
        return {};
    }

private:
    StringStream m_stream;
    msgpack::packer<StringStream> m_packer;
};

/// Items as compact JSON through the one JSON writer; markers are not read (they are JSON).
class JsonEmitter {
public:
    explicit JsonEmitter(std::string& out) : m_json(out, false) {}

    void null() { m_json.null(); }
    void boolean(bool v) { m_json.boolean(v); }
    Status number(std::string_view token)
    {
        m_json.raw(token);
        return {};
    }
    void text(std::string_view v) { m_json.string(v); }
    void begin_array(std::size_t) { m_json.begin_array(); }
    void begin_map(std::size_t) { m_json.begin_object(); }
    void key(std::string_view name) { m_json.key(name); }
    void element() { m_json.element(); }
    void end_array() { m_json.end_array(); }
    void end_map() { m_json.end_object(); }
    // Not reached: without markers every object is a map.
    void bytes(std::string_view) {}
    void floating(double) {}
    Status tag(std::uint64_t) { return {}; }
    Status undefined() { return {}; }
    Status simple(std::uint8_t) { return {}; }
    Status ext(std::int8_t, std::string_view) { return {}; }

private:
    JsonWriter m_json;
};

}  // namespace

PayloadEncoder::PayloadEncoder(DecodeChain chain, const std::vector<std::string>& proto_path) : m_chain(std::move(chain))
{
    if (!m_chain.steps.empty() && !decompresses(m_chain.steps.back())) m_format = m_chain.steps.back();
    if (m_format == DecodeStep::protobuf) {
        auto schema = ProtobufSchema::load(m_chain.proto_file, m_chain.proto_message, proto_path);
        if (!schema)
            throw Failure(ExitStatus::usage, fmt::format("Error: --encode {}: {}", m_chain.text, escape_control(schema.error())));
        m_schema = std::move(*schema);
    }
}

Result<std::string_view> PayloadEncoder::encode(std::string_view payload)
{
    std::string& out = m_buffers[0];
    out.clear();
    if (!m_format) {
        out.assign(payload);
        return compressed();
    }
    if (m_schema) {
        auto encoded = m_schema->from_json(payload);
        if (!encoded) return Error{std::move(encoded.error())};
        out.assign(*encoded);
        return compressed();
    }
    if (*m_format == DecodeStep::json && json_is_valid(payload)) {
        JsonWriter writer(out, false);
        json_copy(payload, writer);
        return compressed();
    }
    auto parsed = json_parse(payload);
    if (!parsed) return Error{fmt::format("is not JSON at byte {}: {}", parsed.error().offset + 1, parsed.error().what)};
    return encode(*parsed);
}

Result<std::string_view> PayloadEncoder::encode(const JsonValue& value)
{
    std::string& out = m_buffers[0];
    out.clear();
    Status done;
    if (!m_format) {
        // Compressions alone: the bytes that --decode gzip (say) shows as a string or $bytes.
        if (value.kind == Kind::string) {
            out.assign(value.text);
        } else {
            auto marker = value.kind == Kind::object ? read_marker(value) : Result<Marker>(Marker{});
            if (!marker) return Error{std::move(marker.error())};
            if (marker->kind != Marker::Kind::bytes) {
                return Error{"must be a string or {\"$bytes\":\"<base64>\"} to be compressed alone"};
            }
            out = std::move(marker->data);
        }
    } else if (*m_format == DecodeStep::json || m_schema) {
        JsonEmitter emitter(out);
        done = walk(value, emitter, false);
        if (done && m_schema) {
            // The plugin reads JSON text: the value written out compactly first.
            auto encoded = m_schema->from_json(out);
            if (!encoded) return Error{std::move(encoded.error())};
            m_buffers[1].assign(*encoded);
            std::swap(m_buffers[0], m_buffers[1]);
        }
    } else if (*m_format == DecodeStep::msgpack) {
        MsgpackEmitter emitter(out);
        done = walk(value, emitter, true);
    } else {
        std::string load_error;
        const CborLibrary* cbor = cbor_library(load_error);
        if (cbor == nullptr) return Error{"cannot be written as cbor: " + load_error};
        CborEmitter emitter(*cbor, out);
        done = walk(value, emitter, true);
    }
    if (!done) return Error{fmt::format("cannot be written as {}: {}", decode_step_name(*m_format), done.error())};
    return compressed();
}

Result<std::string_view> PayloadEncoder::compressed()
{
    std::size_t current = 0;
    for (auto step = m_chain.steps.rbegin(); step != m_chain.steps.rend(); ++step) {
        if (!decompresses(*step)) continue;
        auto done = compress(*step, m_buffers[current], m_buffers[1 - current]);
        if (!done) return Error{"cannot be compressed: " + done.error()};
        current = 1 - current;
    }
    return std::string_view(m_buffers[current]);
}

}  // namespace mqtt
