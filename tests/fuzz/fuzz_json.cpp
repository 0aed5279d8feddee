// libFuzzer target: JSON payloads (%J): validation, then copying a valid value through
// the writer in both layouts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (!mqtt::json_is_valid(text)) return 0;
    for (const bool pretty : {false, true}) {
        std::string out;
        mqtt::JsonWriter writer(out, pretty);
        mqtt::json_copy(text, writer);
    }
    return 0;
}
