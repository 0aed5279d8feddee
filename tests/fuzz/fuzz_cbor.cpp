// libFuzzer target: CBOR payloads (--decode cbor). What decodes is valid JSON; what does
// not leaves the output as it was; nesting and declared lengths stay bounded.
#include <cstddef>
#include <cstdint>

#include "cbor_decode.h"
#include "decoded_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::check_decoder(mqtt::cbor_to_json, data, size);
    return 0;
}
