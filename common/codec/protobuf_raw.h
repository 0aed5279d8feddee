// Protobuf without a schema (--decode protobuf), as `protoc --decode_raw` reads it: field
// numbers and wire types, a length-delimited field shown as a message when it parses fully
// as one, else as a string when it is UTF-8, else as bytes. Our own reader of the wire
// format (no Debian package has one), walked with an explicit stack into ValueWriter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "value_writer.h"

namespace mqtt {

/// The wire format read field by field, for protobuf_raw_to_json and the Sparkplug decoder.
namespace protobuf_wire {

enum Wire : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, start_group = 3, end_group = 4, fixed32 = 5 };

/// One field of a message, as its tag and value lie in the data.
struct Field {
    std::uint32_t number = 0;
    std::uint8_t wire = 0;
    std::uint64_t value = 0;   ///< varint, fixed32, fixed64
    std::size_t begin = 0;     ///< length-delimited data or group contents: [begin, end)
    std::size_t end = 0;
    std::size_t offset = 0;    ///< of the tag
    std::uint32_t run = 0;     ///< on the first field of a number: how many have it; else 0
};

/// The fields of one message (or group) being written, and the next one to write.
struct Level {
    std::vector<Field> fields;
    std::size_t next = 0;
    std::size_t distinct = 0;  ///< how many field numbers
};

/// Reads the fields of a message from data[begin, end) without looking inside
/// length-delimited values; nested groups are checked and skipped (at most `group_depth`
/// deep). Fields come out in the order they are written, grouped by number.
class Scanner {
public:
    /// `guess`: whether the data is a message is only a guess (of a length-delimited field),
    /// so a failure needs no reason, which spares formatting one per string field.
    Scanner(std::string_view data, std::size_t group_depth, bool guess = false)
        : m_data(data), m_group_depth(group_depth), m_guess(guess)
    {
    }

    DecodeStatus scan(std::size_t begin, std::size_t end, Level& level);
    /// Reads the varint at `at` (moved past it), named `what` in the error.
    DecodeStatus read_varint(std::size_t& at, std::size_t end, std::uint64_t& value, std::string_view what);

private:
    template <typename... Args>
    DecodeStatus fail(std::size_t offset, fmt::format_string<Args...> reason, Args&&... args) const
    {
        if (m_guess) return Error{DecodeError{{}, offset}};
        return Error{DecodeError{fmt::format(reason, std::forward<Args>(args)...), offset}};
    }

    std::string_view m_data;
    std::size_t m_group_depth;
    bool m_guess;
    std::vector<std::uint32_t> m_groups;  ///< the numbers of the groups open
};

}  // namespace protobuf_wire

/// Deepest nesting of messages and groups (protoc's default recursion limit): a
/// length-delimited field deeper than this is shown as a string or bytes, a group is refused.
inline constexpr std::size_t k_protobuf_max_depth = 100;

/// Appends the message `data` holds as compact JSON: an object keyed by field number (in the
/// order each number first appears; a number seen more than once holds an array), varints as
/// unsigned integers, {"$fixed32":n}, {"$fixed64":n}, {"$group":{...}}; or returns why it
/// cannot, with the byte offset. On failure `out` is as it was.
DecodeStatus protobuf_raw_to_json(std::string_view data, std::string& out);

}  // namespace mqtt
