// The compressions of mqtt-pub --encode (gzip, zlib, zstd, lz4 frames), each the library's
// default level: what `gzip`, `zstd` and `lz4` write by default, read back by --decode and
// by those commands.
#pragma once

#include <string>
#include <string_view>

#include "decode_spec.h"
#include "result.h"

namespace mqtt {

/// Replaces `out` with `data` compressed by `step` (gzip, zlib, zstd or lz4), or returns why
/// it cannot be.
Status compress(DecodeStep step, std::string_view data, std::string& out);

}  // namespace mqtt
