// libFuzzer target: Sparkplug B (--decode sparkplug). The input is a run of messages, each a
// byte choosing the topic (births, data, deaths and commands of two edge nodes, STATE), a
// length byte and the payload, decoded by one SparkplugDecoder so that aliases, seq and bdSeq
// carry over. What decodes is a valid JSON object, what does not leaves the output as it was,
// nesting stays bounded, and no warning holds a control byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "decoded_json.h"
#include "sparkplug.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static constexpr std::string_view topics[] = {
        "spBv1.0/g/NBIRTH/e",  "spBv1.0/g/DBIRTH/e/d", "spBv1.0/g/NDATA/e", "spBv1.0/g/DDATA/e/d",
        "spBv1.0/g/NDEATH/e",  "spBv1.0/g/DDEATH/e/d", "spBv1.0/g/NCMD/e",  "spBv1.0/g/DCMD/e/d",
        "spBv1.0/g/NBIRTH/f",  "spBv1.0/g/NDATA/f",    "spBv1.0/STATE/h",   "STATE/h",
        "spBv1.0/g/\x1b/e",    "spBv1.0/x",
    };
    mqtt::SparkplugDecoder decoder;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t at = 0;
    while (at + 2 <= input.size()) {
        const std::string_view topic = topics[static_cast<unsigned char>(input[at]) % std::size(topics)];
        const std::size_t length = static_cast<unsigned char>(input[at + 1]) == 255 ? input.size() : static_cast<unsigned char>(input[at + 1]);
        at += 2;
        const std::string_view payload = input.substr(at, length);
        at += payload.size();
        std::string out = "x";
        std::vector<std::string> warnings;
        if (!decoder.decode(topic, payload, out, warnings)) {
            fuzz::check_unchanged(out, 1);
            if (!warnings.empty()) std::abort();
            continue;
        }
        fuzz::check_decoded_json(out, 1);
        if (out.size() < 3 || out[1] != '{' || out.back() != '}') std::abort();
        for (const std::string& line : warnings) {
            for (const char c : line) {
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) std::abort();
            }
        }
    }
    return 0;
}
