// libFuzzer target: the text of an options file (~/.config/mosquitto_pub and -o).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "options_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)mqtt::parse_options_text(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
