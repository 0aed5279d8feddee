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
    enum class Action { run, help, version };
    Action action = Action::run;
    Options options;
    std::string text;  ///< the help or version text for Action::help / Action::version
};

/// The program name users type, e.g. "mqtt-pub".
std::string program_name(Tool tool);

/// Builds the options of `tool` from its options file (-o, or the default one found through
/// `environment`) and then argv (without argv[0]), which overrides the file. Throws
/// UsageError with upstream's first line.
CommandLine parse_command_line(Tool tool, const std::vector<std::string>& args, const Environment& environment = {});

}  // namespace mqtt
