// libFuzzer target: the whole command line of each tool (option table, numbers, -D
// properties, -F formats, -L URLs, topics). Input: a tool selector byte, then the
// arguments separated by newlines. Only UsageError and Failure may come out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"
#include "error.h"

namespace {

/// Options that read files or the terminal would make runs slow or block: not fuzzed.
bool touches_files(const std::vector<std::string>& args)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-o" || a == "--pw-file" || a == "-f" || a == "--file") return true;
        if ((a == "-P" || a == "--pw") && i + 1 < args.size() && args[i + 1] == "-") return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    const mqtt::Tool tools[] = {mqtt::Tool::pub, mqtt::Tool::sub, mqtt::Tool::rr, mqtt::Tool::bench};
    const mqtt::Tool tool = tools[data[0] % 4];
    std::vector<std::string> args;
    std::string current;
    for (std::size_t i = 1; i < size; ++i) {
        if (data[i] == '\n') {
            args.push_back(current);
            current.clear();
        } else {
            current += static_cast<char>(data[i]);
        }
    }
    args.push_back(current);
    if (touches_files(args)) return 0;
    try {
        (void)mqtt::parse_command_line(tool, args, mqtt::Environment{});
    } catch (const mqtt::UsageError&) {
    } catch (const mqtt::Failure&) {}
    return 0;
}
