// The decompression steps of --decode (gzip, zlib, zstd, lz4 frames), each streaming into
// a buffer that stops at k_max_decoded_size, so that a small bomb cannot take the memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "decode_spec.h"
#include "value_writer.h"

namespace mqtt {

/// The most bytes one decompression step may produce for one message (16 MiB).
inline constexpr std::size_t k_max_decoded_size = std::size_t{16} << 20;

/// Replaces `out` with `data` decompressed by `step` (gzip, zlib, zstd or lz4), or returns
/// why it cannot be (with the offset in `data` where the library gives one).
DecodeStatus decompress(DecodeStep step, std::string_view data, std::string& out);

/// The compression `data` starts with the magic bytes of (--decode auto), if any; zlib's
/// two-byte header is a weak sign, so auto treats a failed zlib stream as not compressed.
std::optional<DecodeStep> sniff_compression(std::string_view data);

}  // namespace mqtt
