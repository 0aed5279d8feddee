// libFuzzer target: CBOR payloads (--decode cbor). What decodes is valid JSON; what does
// not leaves the output as it was; nesting and declared lengths stay bounded.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cbor_decode.h"
#include "decoded_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string out = "x";
    if (mqtt::cbor_to_json(bytes, out)) {
        fuzz::check_unchanged(out, 1);
    } else {
        fuzz::check_decoded_json(out, 1);
    }
    return 0;
}
