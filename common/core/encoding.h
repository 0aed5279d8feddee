// Payloads as text: base64 (RFC 4648, with padding) and hex, both ways. mqtt-sub --json
// carries payloads that are not UTF-8 as base64; --encoding prints or reads them so.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqtt {

/// --encoding: how payloads are written as text.
enum class Encoding { none, hex, base64 };

/// Appends `bytes` in base64 with '=' padding, on one line.
void append_base64(std::string& out, std::string_view bytes);
/// Appends `bytes` as lower-case hex digits, two per byte.
void append_hex(std::string& out, std::string_view bytes);

/// The bytes of base64 `text` (padding required; ASCII whitespace anywhere is skipped, so
/// wrapped `base64` output decodes), or nullopt when it is not base64.
std::optional<std::string> decode_base64(std::string_view text);
/// The bytes of hex `text` (either case; ASCII whitespace anywhere is skipped), or nullopt
/// when it is not an even number of hex digits.
std::optional<std::string> decode_hex(std::string_view text);

/// Appends `bytes` encoded as `encoding` says (none: as they are).
void append_encoded(std::string& out, std::string_view bytes, Encoding encoding);
/// Decodes `text` as `encoding` says (none: as it is); nullopt when it is not valid.
std::optional<std::string> decode(std::string_view text, Encoding encoding);
/// "hex" or "base64".
const char* encoding_name(Encoding encoding);

}  // namespace mqtt
