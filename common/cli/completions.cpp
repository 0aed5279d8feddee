#include "completions.h"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

#include "cli.h"
#include "properties.h"
#include "quote.h"

namespace mqtt {

namespace {

/// What a shell can offer for an option's value.
enum class ValueKind { none, flag, file, directory, profile, choices };

struct ValueHint {
    ValueKind kind = ValueKind::none;
    std::string choices;  ///< words separated by spaces, for ValueKind::choices
};

std::string join(const std::vector<std::string>& words, const char* separator)
{
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : separator) + word;
    return text;
}

bool has_name(const OptionInfo& option, const char* name)
{
    return std::find(option.names.begin(), option.names.end(), name) != option.names.end();
}

/// -D: its choices are the commands, each followed by a property name (property_names).
bool is_property(const OptionInfo& option)
{
    return has_name(option, "--property");
}

/// What the value of `option` completes to: the option table's choices, else a file for a
/// value named as one (the table's value names: "file", "options file", "socket path"),
/// a folder for "directory"; any other value (a host, a path on the broker) is typed.
ValueHint hint_for(const OptionInfo& option)
{
    if (option.value.empty()) return {ValueKind::flag, {}};
    if (!option.choices.empty() && !is_property(option)) return {ValueKind::choices, join(option.choices, " ")};
    if (has_name(option, "--profile")) return {ValueKind::profile, {}};
    const std::string& v = option.value;
    if (v == "file" || v == "options file" || v == "socket path") return {ValueKind::file, {}};
    if (v == "directory") return {ValueKind::directory, {}};
    return {};
}

/// The -D option of `options`, if the tool has one.
const OptionInfo* property_option(const std::vector<OptionInfo>& options)
{
    for (const auto& option : options) {
        if (is_property(option)) return &option;
    }
    return nullptr;
}

/// The property names -D takes after `command` ("publish").
std::vector<std::string> property_names_after(const std::string& command)
{
    for (const auto c : {PropertyCommand::connect, PropertyCommand::publish, PropertyCommand::subscribe,
                         PropertyCommand::unsubscribe, PropertyCommand::disconnect, PropertyCommand::will}) {
        if (command == command_name(c)) return property_names(c);
    }
    return {};
}

/// The names of the options whose values are of `kind`.
std::vector<std::string> names_of_kind(const std::vector<OptionInfo>& options, ValueKind kind)
{
    std::vector<std::string> names;
    for (const auto& option : options) {
        if (hint_for(option).kind == kind) names.insert(names.end(), option.names.begin(), option.names.end());
    }
    return names;
}

/// mqtt-bench's subcommands, its first word.
constexpr const char* k_bench_subcommands = "conn pub sub pubsub";

constexpr const char* k_profile_folder = "${XDG_CONFIG_HOME:-$HOME/.config}/mqtt-tools";

std::string header(Shell shell, Tool tool)
{
    return fmt::format("# {} completion for {}, generated from its option table by mqtt-completions: do not edit.\n",
                       shell_name(shell), program_name(tool));
}

std::string bash_script(Tool tool)
{
    const auto options = option_list(tool);
    const std::string name = program_name(tool);
    std::string function = "_" + name;
    std::replace(function.begin(), function.end(), '-', '_');
    std::string script = header(Shell::bash, tool);
    script += function + "()\n{\n";
    script += "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\n";
    script += "    [ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n";
    script += "    COMPREPLY=()\n";
    if (tool == Tool::bench) {
        script += fmt::format("    if [ \"$COMP_CWORD\" -eq 1 ]; then mapfile -t COMPREPLY < <(compgen -W {} -- \"$cur\"); "
                              "return; fi\n",
                              shell_quote(k_bench_subcommands));
    }
    if (const OptionInfo* property = property_option(options)) {
        // -D <command> <name>: the names that command takes.
        script += "    [ \"$COMP_CWORD\" -gt 1 ] && case ${COMP_WORDS[COMP_CWORD-2]} in\n";
        script += fmt::format("    {})\n        case $prev in\n", join(property->names, "|"));
        for (const auto& command : property->choices) {
            script += fmt::format("        {}) mapfile -t COMPREPLY < <(compgen -W {} -- \"$cur\") ;;\n", command,
                                  shell_quote(join(property_names_after(command), " ")));
        }
        script += "        esac\n        return ;;\n    esac\n";
    }
    script += "    case $prev in\n";
    for (const auto& option : options) {
        const ValueHint hint = hint_for(option);
        if (hint.kind != ValueKind::choices && !is_property(option)) continue;
        script += fmt::format("    {}) mapfile -t COMPREPLY < <(compgen -W {} -- \"$cur\"); return ;;\n", join(option.names, "|"),
                              shell_quote(join(option.choices, " ")));
    }
    const auto files = names_of_kind(options, ValueKind::file);
    if (!files.empty()) {
        script += fmt::format("    {}) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$cur\"); "
                              "return ;;\n",
                              join(files, "|"));
    }
    const auto directories = names_of_kind(options, ValueKind::directory);
    if (!directories.empty()) {
        script += fmt::format("    {}) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- \"$cur\"); "
                              "return ;;\n",
                              join(directories, "|"));
    }
    const auto profiles = names_of_kind(options, ValueKind::profile);
    if (!profiles.empty()) {
        script += fmt::format("    {}) mapfile -t COMPREPLY < <(cd \"{}\" 2>/dev/null && compgen -f -- \"$cur\"); return ;;\n",
                              join(profiles, "|"), k_profile_folder);
    }
    const auto others = names_of_kind(options, ValueKind::none);
    if (!others.empty()) script += fmt::format("    {}) return ;;  # a value to type\n", join(others, "|"));
    script += "    esac\n";
    std::vector<std::string> all;
    for (const auto& option : options) all.insert(all.end(), option.names.begin(), option.names.end());
    script += fmt::format("    mapfile -t COMPREPLY < <(compgen -W {} -- \"$cur\")\n", shell_quote(join(all, " ")));
    script += "}\n";
    script += fmt::format("complete -F {} {}\n", function, name);
    return script;
}

/// A description inside zsh's _arguments brackets.
std::string zsh_description(const std::string& help)
{
    std::string text;
    for (const char c : help) {
        if (c == '[' || c == ']' || c == ':' || c == '\\') text += '\\';
        text += c;
    }
    return text;
}

/// The _arguments action for the values of `option` (none for a flag); `property_names` is
/// the function that offers -D's property names.
std::string zsh_action(const OptionInfo& option, const std::string& property_names)
{
    if (is_property(option)) return fmt::format(":command:({}):name:{}:value: ", join(option.choices, " "), property_names);
    const ValueHint hint = hint_for(option);
    switch (hint.kind) {
    case ValueKind::flag: break;
    case ValueKind::none: return ":" + option.value + ": ";
    case ValueKind::file: return ":" + option.value + ":_files";
    case ValueKind::directory: return ":" + option.value + ":_files -/";
    case ValueKind::profile: return ":" + option.value + ":_files -W $profiles";
    case ValueKind::choices: return fmt::format(":{}:({})", option.value, hint.choices);
    }
    return {};
}

std::string zsh_script(Tool tool)
{
    const std::string name = program_name(tool);
    const auto options = option_list(tool);
    std::string script = "#compdef " + name + "\n" + header(Shell::zsh, tool);
    script += fmt::format("local profiles={}\n", k_profile_folder);  // a ':' in the spec would end it
    std::string function = "_" + name + "_property_names";
    std::replace(function.begin(), function.end(), '-', '_');
    if (const OptionInfo* property = property_option(options)) {
        // -D <command> <name>: the names the command before takes.
        script += function + "() {\n  case $words[CURRENT-1] in\n";
        for (const auto& command : property->choices) {
            script += fmt::format("  {}) compadd - {} ;;\n", command, join(property_names_after(command), " "));
        }
        script += "  esac\n}\n";
    }
    script += "_arguments -S \\\n";
    if (tool == Tool::bench) script += "  " + shell_quote(fmt::format("1:subcommand:({})", k_bench_subcommands)) + " \\\n";
    for (const auto& option : options) {
        const std::string action = zsh_action(option, function);
        // Every option may be given again: the last one wins, or they add up (-t, -D).
        for (const auto& option_name : option.names) {
            script += "  " + shell_quote(fmt::format("*{}[{}]{}", option_name, zsh_description(option.help), action)) + " \\\n";
        }
    }
    script.resize(script.size() - 3);  // the last " \\\n"
    script += "\n";
    return script;
}

/// `text` inside single quotes for fish.
std::string fish_quote(const std::string& text)
{
    std::string quoted = "'";
    for (const char c : text) {
        if (c == '\'' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "'";
}

std::string fish_script(Tool tool)
{
    const std::string name = program_name(tool);
    const auto options = option_list(tool);
    std::string script = header(Shell::fish, tool);
    script += fmt::format("complete -c {} -f\n", name);  // no file names unless an option takes one
    if (tool == Tool::bench) {
        script += fmt::format("complete -c {} -n __fish_use_subcommand -a {}\n", name, fish_quote(k_bench_subcommands));
    }
    for (const auto& option : options) {
        std::string line = "complete -c " + name;
        for (const auto& option_name : option.names) {
            line += option_name.starts_with("--") ? " -l " + option_name.substr(2) : " -s " + option_name.substr(1);
        }
        const ValueHint hint = hint_for(option);
        switch (hint.kind) {
        case ValueKind::flag: break;
        case ValueKind::none: line += " -x"; break;
        case ValueKind::file:
        case ValueKind::directory: line += " -r -F"; break;
        case ValueKind::profile:
            line += " -x -a " +
                fish_quote("(path basename (set -q XDG_CONFIG_HOME[1]; and echo $XDG_CONFIG_HOME; "
                           "or echo $HOME/.config)/mqtt-tools/*)");
            break;
        case ValueKind::choices: line += " -x -a " + fish_quote(hint.choices); break;
        }
        if (is_property(option)) line += " -a " + fish_quote(join(option.choices, " "));
        script += line + " -d " + fish_quote(option.help) + "\n";
    }
    if (const OptionInfo* property = property_option(options)) {
        // -D <command> <name>: the names the command before takes.
        std::string function = "__" + name + "_after_property_command";
        std::replace(function.begin(), function.end(), '-', '_');
        script += fmt::format("function {} --argument-names command\n    set -l words (commandline -opc)\n"
                              "    test (count $words) -ge 2; and contains -- $words[-2] {}; and test \"$words[-1]\" = "
                              "\"$command\"\nend\n",
                              function, join(property->names, " "));
        for (const auto& command : property->choices) {
            script += fmt::format("complete -c {} -n {} -x -a {}\n", name, fish_quote(function + " " + command),
                                  fish_quote(join(property_names_after(command), " ")));
        }
    }
    return script;
}

}  // namespace

std::string shell_name(Shell shell)
{
    switch (shell) {
    case Shell::zsh: return "zsh";
    case Shell::fish: return "fish";
    case Shell::bash: break;
    }
    return "bash";
}

std::string completion_script(Shell shell, Tool tool)
{
    switch (shell) {
    case Shell::zsh: return zsh_script(tool);
    case Shell::fish: return fish_script(tool);
    case Shell::bash: break;
    }
    return bash_script(tool);
}

std::string completion_file_name(Shell shell, Tool tool)
{
    switch (shell) {
    case Shell::zsh: return "_" + program_name(tool);
    case Shell::fish: return program_name(tool) + ".fish";
    case Shell::bash: break;
    }
    return program_name(tool);
}

}  // namespace mqtt
