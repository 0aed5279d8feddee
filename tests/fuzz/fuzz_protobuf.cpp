// libFuzzer target: Protobuf without a schema (--decode protobuf). What decodes is valid JSON,
// an object (a message); what does not leaves the output as it was; nesting (100 levels) and
// declared lengths stay bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "decoded_json.h"
#include "protobuf_raw.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string json = fuzz::check_decoder(mqtt::protobuf_raw_to_json, data, size);
    if (!json.empty() && (json.front() != '{' || json.back() != '}')) std::abort();
    return 0;
}
