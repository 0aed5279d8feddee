// libFuzzer target: mqtt-pub --encode (payload_encoder.h) on JSON text from a file or a
// stream. The first byte picks the codec (cbor, msgpack, json), the rest is the payload.
// Properties: what encodes decodes again with --decode's decoder, and encoding that JSON
// gives the same bytes (the encoder's output is canonical: its own round trip is exact);
// what does not encode says why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cbor_decode.h"
#include "decode_spec.h"
#include "msgpack_decode.h"
#include "payload_encoder.h"

namespace {

mqtt::PayloadEncoder make(const char* codec)
{
    return mqtt::PayloadEncoder(*mqtt::parse_encode_chain(codec));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    static mqtt::PayloadEncoder encoders[] = {make("cbor"), make("msgpack"), make("json")};
    const unsigned pick = data[0] % 3;
    mqtt::PayloadEncoder& encoder = encoders[pick];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto encoded = encoder.encode(text);
    if (!encoded) {
        if (encoded.error().empty()) std::abort();
        return 0;
    }
    const std::string bytes(*encoded);
    std::string json;
    if (pick == 0) {
        if (!mqtt::cbor_to_json(bytes, json)) std::abort();  // our CBOR must decode
    } else if (pick == 1) {
        if (!mqtt::msgpack_to_json(bytes, json)) std::abort();
    } else {
        json = bytes;
    }
    auto again = encoder.encode(json);
    if (!again) {
        // The $map pairs the decoder writes add two levels of JSON: past 1000 the text is
        // too deep to read back, the one case where the round trip may stop.
        if (again.error().find("nested too deeply") == std::string::npos) std::abort();
        return 0;
    }
    if (*again != bytes) std::abort();
    return 0;
}
