#include "help.h"

#include <algorithm>
#include <fmt/format.h>
#include <string_view>
#include <vector>

#include "cli.h"

namespace mqtt {

namespace {

constexpr std::size_t k_name_column = 2;
constexpr std::size_t k_text_column = 30;

/// `text` as lines of at most `width` characters, broken at spaces (a longer word stays whole).
std::vector<std::string> wrap(std::string_view text, std::size_t width)
{
    std::vector<std::string> lines;
    std::string line;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            lines.push_back(std::move(line));
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += word;
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

/// "-h,--host <host>": the names as the parser takes them, then the value.
std::string synopsis(const OptionInfo& option)
{
    std::string text;
    for (const auto& name : option.names) text += (text.empty() ? "" : ",") + name;
    if (option.value.empty()) return text;
    // -D's value is its own pattern ("<command> <name> [<key>] <value>").
    return text + " " + (option.value.front() == '<' ? option.value : "<" + option.value + ">");
}

void append_option(std::string& out, const OptionInfo& option)
{
    const std::string left = std::string(k_name_column, ' ') + synopsis(option);
    const auto lines = wrap(option.help, k_help_width - k_text_column);
    std::size_t first = 0;
    if (left.size() + 1 < k_text_column && !lines.empty()) {
        out += left + std::string(k_text_column - left.size(), ' ') + lines.front() + "\n";
        first = 1;
    } else {
        out += left + "\n";
    }
    for (std::size_t i = first; i < lines.size(); ++i) out += std::string(k_text_column, ' ') + lines[i] + "\n";
}

const char* summary(Tool tool)
{
    switch (tool) {
    case Tool::pub: return "Publish MQTT messages from the command line, a file or standard input.";
    case Tool::rr: return "Publish an MQTT request and print the response.";
    case Tool::bench: return "Load an MQTT broker with many clients and measure rates, losses and latency.";
    case Tool::sub: break;
    }
    return "Subscribe to MQTT topics and print the messages.";
}

}  // namespace

std::string help_text(Tool tool)
{
    const std::string name = program_name(tool);
    const auto options = option_list(tool);
    const char* subcommands = tool == Tool::bench ? " conn|pub|sub|pubsub" : "";
    std::string out = fmt::format("Usage: {}{} [OPTIONS]\n{}\n", name, subcommands, summary(tool));
    out += "Options also come from MQTT_* variables, --profile and the options file.\n";
    // Sections in the order of their first option (a group may be split in the table).
    std::vector<std::string> sections;
    for (const auto& option : options) {
        if (std::find(sections.begin(), sections.end(), option.group) == sections.end()) sections.push_back(option.group);
    }
    for (const auto& section : sections) {
        out += fmt::format("\n{}:\n", section);
        for (const auto& option : options) {
            if (option.group == section) append_option(out, option);
        }
    }
    out += fmt::format("\nFlags are off unless given. Exit status 0: the job was done (see EXIT STATUS).\n"
                       "Every option, exit status and example: {}(1), man {}\n",
                       name, name);
    return out;
}

}  // namespace mqtt
