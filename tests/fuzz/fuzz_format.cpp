// libFuzzer target: -F. The input is compiled as a format; when it compiles, a message
// whose topic and payload are the input's bytes is rendered through it.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <variant>

#include "format.h"
#include "format_spec.h"
#include "options.h"

namespace {

std::timespec fixed_clock()
{
    return std::timespec{1700000000, 123456789};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = mqtt::parse_format(text);
    if (!parsed.ok()) return 0;
    mqtt::Options options;
    options.tool = mqtt::Tool::sub;
    options.format = std::move(parsed).value();
    options.pretty = size % 2 == 0;
    mqtt::Formatter formatter(options);
    formatter.set_clock(fixed_clock);
    mqtt::Message message;
    message.topic = text.substr(0, size / 2);
    message.payload = text;
    message.qos = static_cast<int>(size % 3);
    message.retain = size % 5 == 0;
    message.mid = static_cast<int>(size);
    std::string out;
    (void)formatter.render(message, out);
    return 0;
}
