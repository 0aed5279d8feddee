// libFuzzer target: base64 and hex decoding of --encoding payloads (encoding.h). Whatever
// decodes must encode back to the same bytes, and any bytes must survive the round trip.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "encoding.h"

namespace {

/// `text` without ASCII whitespace, which decoding skips.
std::string without_space(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') out += c;
    }
    return out;
}

void round_trip(std::string_view bytes, mqtt::Encoding encoding)
{
    std::string encoded;
    mqtt::append_encoded(encoded, bytes, encoding);
    const auto decoded = mqtt::decode(encoded, encoding);
    if (!decoded || *decoded != bytes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(bytes), size);
    round_trip(input, mqtt::Encoding::hex);
    round_trip(input, mqtt::Encoding::base64);

    if (const auto hex = mqtt::decode_hex(input)) {
        // Hex has one spelling per byte up to case.
        std::string again;
        mqtt::append_hex(again, *hex);
        std::string given = without_space(input);
        std::transform(given.begin(), given.end(), given.begin(),
                       [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
        if (again != given) std::abort();
    }
    if (const auto base64 = mqtt::decode_base64(input)) {
        // Same length as the text without spaces; same bytes again when re-encoded.
        std::string again;
        mqtt::append_base64(again, *base64);
        if (again.size() != without_space(input).size()) std::abort();
        const auto twice = mqtt::decode_base64(again);
        if (!twice || *twice != *base64) std::abort();
    }
    return 0;
}
