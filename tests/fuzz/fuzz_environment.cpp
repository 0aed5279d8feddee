// libFuzzer target: the MQTT_* variables and a --profile file, as parse_command_line reads
// them for each tool. Input: a tool selector byte, then "NAME=value" lines (each becomes
// MQTT_NAME), then an empty line and the text of the profile (MQTT_PROFILE names it unless
// a line sets PROFILE). Only UsageError and Failure may come out.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "error.h"
#include "options_file.h"

namespace {

/// A private config folder for this process, made once: $XDG_CONFIG_HOME of every run.
const std::string& config_home()
{
    static const std::string folder = [] {
        char pattern[] = "/tmp/fuzz_environment.XXXXXX";
        if (::mkdtemp(pattern) == nullptr) std::abort();
        const std::string path = pattern;
        if (::mkdir((path + "/mqtt-tools").c_str(), 0700) != 0) std::abort();
        return path;
    }();
    return folder;
}

/// Options that read a file or the terminal while parsing: slow or blocking, not fuzzed.
bool touches_files(std::string_view name, std::string_view value)
{
    return name == "PW_FILE" || name == "FILE" || name == "OPTIONS_FILE" ||
        ((name == "PW" || name == "PASSWORD") && value == "-");
}

bool profile_touches_files(std::string_view text)
{
    for (const std::string_view option : {"-o", "--pw-file", "-f", "--file", "-P", "--pw", "--options-file"}) {
        std::size_t at = 0;
        while ((at = text.find(option, at)) != std::string_view::npos) {
            const std::size_t end = at + option.size();
            const bool starts = at == 0 || text[at - 1] == '\n';
            const bool ends = end == text.size() || text[end] == ' ' || text[end] == '\n' || text[end] == '\r';
            if (starts && ends) return true;
            at = end;
        }
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size == 0) return 0;
    const mqtt::Tool tools[] = {mqtt::Tool::pub, mqtt::Tool::sub, mqtt::Tool::rr, mqtt::Tool::bench};
    const mqtt::Tool tool = tools[bytes[0] % 4];
    std::string_view rest(reinterpret_cast<const char*>(bytes) + 1, size - 1);

    mqtt::Environment environment;
    environment.xdg_config_home = config_home();
    environment.home = config_home();
    environment.variables[std::string(mqtt::k_variable_prefix) + "PROFILE"] = "fuzz";
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (line.empty()) break;
        const std::size_t equals = line.find('=');
        const std::string_view name = line.substr(0, equals);
        const std::string_view value = equals == std::string_view::npos ? std::string_view() : line.substr(equals + 1);
        if (touches_files(name, value)) return 0;
        environment.variables[std::string(mqtt::k_variable_prefix) + std::string(name)] = std::string(value);
    }
    if (profile_touches_files(rest)) return 0;
    const std::string profile = config_home() + "/mqtt-tools/fuzz";
    std::FILE* file = std::fopen(profile.c_str(), "w");
    if (file == nullptr || std::fwrite(rest.data(), 1, rest.size(), file) != rest.size() || std::fclose(file) != 0) {
        std::abort();
    }
    try {
        (void)mqtt::parse_command_line(tool, {}, environment);
    } catch (const mqtt::UsageError& e) {
        if (std::string_view(e.what()).empty()) std::abort();  // a refusal always says why
    } catch (const mqtt::Failure&) {}
    return 0;
}
