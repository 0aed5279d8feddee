// libFuzzer target: the decompression steps of --decode. The first byte picks gzip, zlib,
// zstd or lz4; the rest is the compressed data. Output never exceeds k_max_decoded_size,
// and a stream that decompresses once decompresses the same way again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "decompress.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    constexpr mqtt::DecodeStep k_steps[] = {mqtt::DecodeStep::gzip, mqtt::DecodeStep::zlib, mqtt::DecodeStep::zstd,
                                            mqtt::DecodeStep::lz4};
    const mqtt::DecodeStep step = k_steps[data[0] % 4];
    const std::string_view compressed(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string out = "left over from before";
    const auto status = mqtt::decompress(step, compressed, out);
    if (!status) {
        const mqtt::DecodeError& error = status.error();
        if (error.reason.empty()) std::abort();
        if (error.offset && *error.offset > compressed.size()) std::abort();
        return 0;
    }
    if (out.size() > mqtt::k_max_decoded_size) std::abort();
    std::string again;
    if (!mqtt::decompress(step, compressed, again) || again != out) std::abort();
    return 0;
}
