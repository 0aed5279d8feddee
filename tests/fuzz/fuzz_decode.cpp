// libFuzzer target: --decode as mqtt-sub runs it (PayloadDecoder): auto, protobuf, and chains
// of a decompression and a format, chosen per topic. JSON results are valid JSON, bytes results
// stay under the cap, failures have a reason and a one-line stderr text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "decoded_json.h"
#include "decompress.h"
#include "payload_decoder.h"

namespace {

const std::vector<mqtt::DecodeRule>& rules()
{
    static const std::vector<mqtt::DecodeRule> parsed = [] {
        std::vector<mqtt::DecodeRule> list;
        for (const char* text : {"c=cbor", "m=msgpack", "j=json", "gc=gzip+cbor", "zm=zstd+msgpack", "lj=lz4+json",
                                 "zz=zlib+zstd", "p=protobuf", "auto"}) {
            list.push_back(mqtt::parse_decode_rule(text).value());
        }
        return list;
    }();
    return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    // "p" last, so that the seeds' first bytes 0-7 keep their topics.
    static const char* const k_topics[] = {"c", "m", "j", "gc", "zm", "lj", "zz", "other", "p"};
    const std::string topic = k_topics[data[0] % 9];
    const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);
    mqtt::PayloadDecoder decoder(rules());
    const mqtt::Decoded decoded = decoder.decode(topic, payload);
    switch (decoded.kind) {
    case mqtt::Decoded::Kind::json: fuzz::check_decoded_json(std::string(decoded.value), 0); break;
    case mqtt::Decoded::Kind::bytes:
        if (decoded.value.size() > mqtt::k_max_decoded_size) std::abort();
        break;
    case mqtt::Decoded::Kind::failed: {
        if (decoded.error.reason.empty()) std::abort();
        const std::string line = mqtt::decode_failure_text(topic, decoded);
        if (line.find('\n') != std::string::npos) std::abort();
        break;
    }
    case mqtt::Decoded::Kind::none:
        // A chain that ends in a format always gives a value or a failure; only auto (the
        // rule of "other") finds nothing to do, and an empty payload is never decoded.
        if (!payload.empty() && topic != "other") std::abort();
        break;
    }
    return 0;
}
