// libFuzzer target: -D. The input is the arguments after -D, separated by newlines.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "properties.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::string> args(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == '\n') {
            args.emplace_back();
        } else {
            args.back() += static_cast<char>(data[i]);
        }
    }
    const std::span<const std::string> all(args);
    const std::size_t count = mqtt::property_argument_count(all);
    if (count <= all.size()) (void)mqtt::parse_property(all.first(count));
    return 0;
}
