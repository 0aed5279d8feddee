// libFuzzer target: MessagePack payloads (--decode msgpack). What decodes is valid JSON; what does
// not leaves the output as it was; nesting and declared lengths stay bounded.
#include <cstddef>
#include <cstdint>

#include "msgpack_decode.h"
#include "decoded_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::check_decoder(mqtt::msgpack_to_json, data, size);
    return 0;
}
