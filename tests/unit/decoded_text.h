// What the CBOR and MessagePack unit tests compare: a decoder's output after "before:" (what
// was in the string already), or its error as "reason @offset".
#pragma once

#include <string>
#include <string_view>

#include "value_writer.h"

namespace test {

struct Decoded {
    std::string json;
    std::string error;
};

/// Runs `decoder` (cbor_to_json or msgpack_to_json) on `bytes`.
template <typename Decoder>
Decoded decoded_text(Decoder decoder, const std::string& bytes)
{
    Decoded result;
    result.json = "before:";
    if (const mqtt::DecodeStatus status = decoder(bytes, result.json); !status) {
        const mqtt::DecodeError& error = status.error();
        result.error = error.reason + (error.offset ? " @" + std::to_string(*error.offset) : "");
    }
    return result;
}

}  // namespace test
