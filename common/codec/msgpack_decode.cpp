#include "msgpack_decode.h"

#include <fmt/format.h>

// Header-only and without Boost: only the visitor parser is used.
#define MSGPACK_NO_BOOST
#include <msgpack.hpp>

namespace mqtt {

namespace {

/// msgpack-cxx's visitor: every item goes to the writer; false stops the parser.
class Visitor : public msgpack::null_visitor {
public:
    explicit Visitor(ValueWriter& writer) : m_writer(writer) {}

    bool visit_nil() { return m_writer.null(); }
    bool visit_boolean(bool v) { return m_writer.boolean(v); }
    bool visit_positive_integer(std::uint64_t v) { return m_writer.unsigned_integer(v); }
    bool visit_negative_integer(std::int64_t v) { return m_writer.signed_integer(v); }
    bool visit_float32(float v) { return m_writer.floating(v); }
    bool visit_float64(double v) { return m_writer.floating(v); }
    bool visit_str(const char* v, std::uint32_t size) { return m_writer.text({v, size}); }
    bool visit_bin(const char* v, std::uint32_t size) { return m_writer.bytes({v, size}); }
    /// `v` is the type byte, then the data.
    bool visit_ext(const char* v, std::uint32_t size)
    {
        if (size == 0) return m_writer.extension(0, {});
        return m_writer.extension(static_cast<std::int8_t>(v[0]), {v + 1, size - 1});
    }
    bool start_array(std::uint32_t n) { return m_writer.begin_array(n); }
    bool start_map(std::uint32_t n) { return m_writer.begin_map(n); }
    void parse_error(std::size_t, std::size_t error_offset) { m_parse_error = error_offset; }
    void insufficient_bytes(std::size_t, std::size_t) { m_truncated = true; }

    std::optional<std::size_t> m_parse_error;
    bool m_truncated = false;

private:
    ValueWriter& m_writer;
};

DecodeStatus walk(std::string_view data, ValueWriter& writer)
{
    Visitor visitor(writer);
    std::size_t offset = 0;
    const auto result = msgpack::detail::parse_imp(data.data(), data.size(), offset, visitor);
    switch (result) {
    case msgpack::PARSE_SUCCESS:
        return {};
    case msgpack::PARSE_EXTRA_BYTES:
        return Error{DecodeError{fmt::format("{} bytes follow the object", data.size() - offset), offset}};
    case msgpack::PARSE_CONTINUE:
        return Error{DecodeError{"truncated: the data ends inside an object", data.size()}};
    case msgpack::PARSE_STOP_VISITOR:
        return Error{DecodeError{writer.error(), std::nullopt}};
    default:
        break;
    }
    // msgpack-cxx reports the offset of the byte it could not read as the second one.
    if (visitor.m_parse_error) return Error{DecodeError{"malformed object (an unknown type byte)", *visitor.m_parse_error}};
    return Error{DecodeError{"malformed object", std::nullopt}};
}

}  // namespace

DecodeStatus msgpack_to_json(std::string_view data, std::string& out)
{
    return write_document(out, [&](ValueWriter& writer) { return walk(data, writer); });
}

}  // namespace mqtt
