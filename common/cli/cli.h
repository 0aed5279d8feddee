// The command line: the option groups each tool registers (the one place CLI11 is used),
// with upstream's parse rules: exact option names only, a value is always the next
// argument (-D takes the next three, or four for user-property), options apply in the
// order given (scalars: last wins).
#pragma once

#include <string>
#include <vector>

#include "options.h"
#include "options_file.h"

namespace mqtt {

/// What main() should do after parsing.
struct CommandLine {
    enum class Action { run, help, version, show_config };
    Action action = Action::run;
    Options options;
    std::string text;  ///< what to print for Action::help, ::version and ::show_config
    std::string config;  ///< with -d: the --show-config text, for stdout at start
    std::vector<std::string> warnings;  ///< lines for stderr under -d (a default options file skipped)
    std::vector<std::string> notices;   ///< lines for stderr unless --quiet (a filter whose $share a shell ate)
};

/// One option of a tool as its --help and the shell completions show it.
struct OptionInfo {
    std::vector<std::string> names;  ///< e.g. {"-h", "--host"}
    std::string value;               ///< what its value is, e.g. "host"; empty for a flag
    std::string help;
    std::string group;               ///< the --help section, named as the man page's subsection (e.g. TLS)
    std::vector<std::string> choices;  ///< the words the value may be (-D: the commands); empty: any text
};

/// Every option `tool` takes, in --help's order, --help and --version last: the table the
/// parser uses, for generating completions that cannot drift from it.
std::vector<OptionInfo> option_list(Tool tool);

/// The program name users type, e.g. "mqtt-pub".
std::string program_name(Tool tool);

/// Builds the options of `tool` from its options file (-o, or the default one found through
/// `environment`) and then argv (without argv[0]), which overrides the file. Throws
/// UsageError with upstream's first line.
CommandLine parse_command_line(Tool tool, const std::vector<std::string>& args, const Environment& environment = {});

}  // namespace mqtt
