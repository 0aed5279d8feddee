// What the decoder fuzz targets check of a decoder's output: a value decoded from any bytes
// is valid JSON (when it nests no deeper than json_is_valid() allows: the $tag and $map
// markers add levels of their own), and --pretty's copy of it does not fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "json.h"

namespace fuzz {

/// The deepest nesting of arrays and objects in `json`, strings skipped.
inline int json_depth(std::string_view json)
{
    int depth = 0;
    int deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) deepest = depth;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

/// Aborts unless `json` (what a decoder wrote after `prefix`) is one valid JSON value.
inline void check_decoded_json(const std::string& out, std::size_t prefix)
{
    const std::string_view json = std::string_view(out).substr(prefix);
    if (json_depth(json) > mqtt::k_json_max_depth) return;
    if (!mqtt::json_is_valid(json)) std::abort();
    std::string pretty;
    mqtt::JsonWriter writer(pretty, true);
    mqtt::json_copy(json, writer);
    if (!mqtt::json_is_valid(pretty)) std::abort();
}

/// Aborts unless a failed decode left `out` as it was (`prefix` bytes).
inline void check_unchanged(const std::string& out, std::size_t prefix)
{
    if (out.size() != prefix) std::abort();
}

/// The body of a decoder's fuzz target: `decode` (cbor_to_json and the like) either appends
/// valid JSON to what `out` holds, or fails and leaves `out` as it was. Returns the JSON
/// appended, or "" when the decode failed.
template <class Decode>
std::string check_decoder(Decode decode, const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string out = "x";
    if (!decode(bytes, out)) {
        check_unchanged(out, 1);
        return {};
    }
    check_decoded_json(out, 1);
    return out.substr(1);
}

}  // namespace fuzz
