#include "options_file.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

namespace mqtt {

std::vector<OptionsLine> parse_options_text(std::string_view text)
{
    std::vector<OptionsLine> lines;
    int number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        // Leading spaces are skipped, as strtok does upstream.
        const auto start = line.find_first_not_of(' ');
        if (start == std::string_view::npos) continue;
        line.remove_prefix(start);
        OptionsLine parsed;
        parsed.number = number;
        const auto space = line.find(' ');
        parsed.option = std::string(line.substr(0, space));
        // As strtok(NULL, "") upstream: the rest after the first space, nothing if it is empty.
        if (space != std::string_view::npos && space + 1 < line.size()) parsed.value = std::string(line.substr(space + 1));
        lines.push_back(std::move(parsed));
    }
    return lines;
}

std::optional<std::string> config_folder(const Environment& environment)
{
    if (environment.xdg_config_home && !environment.xdg_config_home->empty()) return *environment.xdg_config_home;
    if (environment.home && !environment.home->empty()) return *environment.home + "/.config";
    return std::nullopt;
}

std::vector<std::string> default_options_files(const std::string& name, const std::string& fallback,
                                               const Environment& environment)
{
    const auto folder = config_folder(environment);
    if (!folder) return {};
    return {*folder + "/" + name, *folder + "/" + fallback};
}

std::string variable_name(std::string_view long_name)
{
    std::string name(k_variable_prefix);
    for (const char c : long_name) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::optional<bool> parse_flag_value(std::string_view value)
{
    for (const char* yes : {"1", "true", "yes", "on"}) {
        if (value == yes) return true;
    }
    for (const char* no : {"0", "false", "no", "off"}) {
        if (value == no) return false;
    }
    return std::nullopt;
}

std::string profile_file(const std::string& name, const Environment& environment)
{
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
        throw UsageError(
            fmt::format("Error: Invalid profile name \"{}\" (a file name in ~/.config/mqtt-tools/, not a path).", name));
    }
    const auto folder = config_folder(environment);
    if (!folder) throw UsageError("Error: --profile needs HOME or XDG_CONFIG_HOME to find the profile folder.");
    return *folder + "/mqtt-tools/" + name;
}

std::optional<std::string> read_options_file(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw UnreadableFile(fmt::format("Error: Unable to read options file \"{}\": {}.", path, std::strerror(errno)));
    }
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    std::size_t line_start = 0;  // where the line being read starts in `text`
    int line = 1;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
        const std::size_t old_size = text.size();
        text.append(buffer, static_cast<std::size_t>(n));
        for (std::size_t i = old_size; i < text.size(); ++i) {
            if (text[i] == '\n') {
                line_start = i + 1;
                ++line;
            } else if (i - line_start >= k_max_options_line) {
                ::close(fd);
                throw UsageError(fmt::format("Error: Line {} of options file \"{}\" is longer than {} bytes.", line, path,
                                             k_max_options_line));
            }
        }
        if (text.size() > k_max_options_file) {
            ::close(fd);
            throw UsageError(fmt::format("Error: Options file \"{}\" is larger than {} bytes.", path, k_max_options_file));
        }
    }
    const int error = errno;
    ::close(fd);
    if (n < 0) throw UnreadableFile(fmt::format("Error: Unable to read options file \"{}\": {}.", path, std::strerror(error)));
    return text;
}

}  // namespace mqtt
