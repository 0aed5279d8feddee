// The one place where decoded CBOR and MessagePack become JSON: the decoders report each
// item (a scalar, the start of an array, map or tag, the end of an indefinite item) and
// ValueWriter lays them out through the JsonWriter, with a stack of its own instead of
// recursion, so that nesting costs heap (bounded by k_decode_max_depth), never C stack.
// Values JSON cannot hold get the markers mqtt-sub(1) documents under DECODING.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json.h"
#include "result.h"

namespace mqtt {

/// Deepest nesting of arrays, maps and tags a decoder accepts (as JSON's, k_json_max_depth).
inline constexpr std::size_t k_decode_max_depth = k_json_max_depth;

/// Why a payload did not decode, and where (bytes from the start of what the step read).
struct DecodeError {
    std::string reason;
    std::optional<std::size_t> offset;
};

/// How a decoder went: nothing, or the DecodeError (the one result type, core/result.h).
using DecodeStatus = Result<void, DecodeError>;

class ValueWriter {
public:
    /// How maps whose keys are not all text strings are found: `first` fails at such a key
    /// (needs_pairs()); `scan` notes them (seen_pair_maps(), the output is garbage); `final`
    /// writes the maps that `pair_maps` marks (the i-th map of the document, in the order
    /// they start) as {"$map":[[key,value],...]}.
    enum class Pass { first, scan, final };

    ValueWriter(std::string& out, Pass pass, const std::vector<bool>* pair_maps = nullptr);

    // Each returns false once the document cannot be written; error() then says why.
    bool begin_array(std::optional<std::uint64_t> count);  ///< nullopt: indefinite (CBOR)
    bool begin_map(std::optional<std::uint64_t> count);    ///< count of pairs
    bool begin_tag(std::uint64_t tag);                     ///< CBOR: the next item is tagged
    bool begin_chunks(bool text);                          ///< CBOR: an indefinite string
    bool end_indefinite();                                 ///< CBOR: "break"
    bool text(std::string_view bytes);
    /// The key of a marker the decoder writes itself ("$fixed32", "$group"): a text key that
    /// is not turned into $map pairs for starting with '$'.
    bool marker_key(std::string_view name);
    bool bytes(std::string_view bytes);
    bool unsigned_integer(std::uint64_t value);
    bool negative_integer(std::uint64_t n);  ///< CBOR's -1 - n
    bool signed_integer(std::int64_t value);
    /// Half, single and double precision alike: the shortest form that reads back as the
    /// same double (float32 1.1 is 1.100000023841858), so that --encode gets the same bits.
    bool floating(double value);
    /// A float (Protobuf's float): its own shortest form (1.1, not 1.100000023841858), which
    /// reads back as the same float.
    bool single(float value);
    bool boolean(bool value);
    bool null();
    bool undefined();
    bool simple(unsigned value);
    bool extension(std::int8_t type, std::string_view data);  ///< MessagePack ext

    /// One whole value has been written.
    bool done() const { return m_done; }
    const std::string& error() const { return m_error; }
    /// Failed only because a map has a key that is not a text string (see the constructor).
    bool needs_pairs() const { return m_needs_pairs; }
    /// Which maps have such keys (Pass::scan).
    const std::vector<bool>& seen_pair_maps() const { return m_seen_pair_maps; }

private:
    enum class Kind { array, map, tag, text_chunks, byte_chunks };
    struct Frame {
        Kind kind;
        bool indefinite = false;
        bool pairs = false;        ///< a map written as {"$map":[[k,v],...]}
        bool at_value = false;     ///< a map: its next item is a value
        std::uint64_t count = 0;   ///< items (arrays) or pairs (maps) when definite
        std::uint64_t seen = 0;    ///< items or whole pairs so far
        std::size_t ordinal = 0;   ///< a map: its place among the document's maps
    };

    bool fail(std::string reason);
    /// Puts the separator, key or pair bracket an item needs where it goes; `key_text` is the
    /// item when it is a text string that may be an object key (written here as the key).
    bool place(const std::string_view* key_text, bool& written_as_key);
    /// An item ended: closes the containers it completes.
    void complete();
    bool push(Frame frame);
    bool scalar_placed();
    bool string_item(std::string_view bytes, bool is_text);
    template <typename Real>
    bool real(Real value);

    void close_map(const Frame& frame);
    void marker(std::string_view name, std::string_view value_token, bool string_value);

    JsonWriter m_json;
    Pass m_pass;
    const std::vector<bool>* m_pair_maps;
    std::vector<bool> m_seen_pair_maps;
    std::vector<Frame> m_stack;
    std::string m_chunks;       ///< the pieces of an indefinite string so far
    std::size_t m_maps = 0;
    bool m_done = false;
    bool m_needs_pairs = false;
    bool m_marker_key = false;  ///< the text item being placed is marker_key()'s
    std::string m_error;
};

/// Runs `walk` (which feeds a ValueWriter) over one document into `out`: once, and when a map
/// has non-text keys, once more to find all such maps and a last time to write them as
/// pairs. `walk` returns its DecodeStatus.
template <typename Walk>
DecodeStatus write_document(std::string& out, Walk&& walk)
{
    const std::size_t start = out.size();
    {
        ValueWriter writer(out, ValueWriter::Pass::first);
        auto status = walk(writer);
        if (status || !writer.needs_pairs()) {
            if (!status) out.resize(start);
            return status;
        }
    }
    out.resize(start);
    std::string scratch;
    std::vector<bool> pair_maps;
    {
        ValueWriter scan(scratch, ValueWriter::Pass::scan);
        if (auto status = walk(scan); !status) return status;
        pair_maps = scan.seen_pair_maps();
    }
    ValueWriter writer(out, ValueWriter::Pass::final, &pair_maps);
    auto status = walk(writer);
    if (!status) out.resize(start);
    return status;
}

}  // namespace mqtt
