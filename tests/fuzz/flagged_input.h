// The input shape of the fuzz targets that take a flags byte and two texts: a byte of
// flags, then the first text, a NUL, and the second text (which may hold NULs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fuzz {

struct FlaggedInput {
    std::uint8_t flags = 0;
    std::string_view first;   ///< up to the first NUL
    std::string_view second;  ///< the rest
};

/// `bytes` split as above; nothing when there is no flags byte or no NUL.
inline std::optional<FlaggedInput> split_flagged(const std::uint8_t* bytes, std::size_t size)
{
    if (size == 0) return std::nullopt;
    const std::string_view input(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    const std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos) return std::nullopt;
    return FlaggedInput{bytes[0], input.substr(0, nul), input.substr(nul + 1)};
}

}  // namespace fuzz
