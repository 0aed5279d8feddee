#include "tool_main.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <string_view>
#include <unistd.h>

#include "cli.h"
#include "diagnostics.h"
#include "error.h"
#include "format.h"
#include "secret.h"

namespace mqtt {

namespace {

/// The final stderr lines; what a peer said in them is escaped already, and whatever else
/// slipped in is escaped by print_line.
void print_error(const std::string& line)
{
    print_line(line);
}

}  // namespace

int tool_main(Tool tool, int argc, char** argv, const Job& job)
{
    const std::string name = program_name(tool);
    bool quiet = false;
    try {
        const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
        Environment environment;
        if (const char* home = std::getenv("HOME")) environment.home = home;
        if (const char* xdg = std::getenv("XDG_CONFIG_HOME")) environment.xdg_config_home = xdg;
        for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
            const std::string_view variable(*entry);
            const auto equals = variable.find('=');
            if (variable.starts_with(k_variable_prefix) && equals != std::string_view::npos) {
                environment.variables.emplace(variable.substr(0, equals), variable.substr(equals + 1));
            }
        }
        CommandLine command = parse_command_line(tool, args, environment);
        if (command.action != CommandLine::Action::run) {
            std::fputs(command.text.c_str(), stdout);
            return std::fflush(stdout) == 0 ? ExitStatus::success : ExitStatus::usage;
        }
        if (command.options.holds_secret()) keep_out_of_core_dumps();
        // Asked only with --pretty: no tty check at the start of every other run.
        command.options.colour = command.options.pretty &&
            want_colour(command.options.no_color, std::getenv("NO_COLOR"), ::isatty(STDOUT_FILENO) == 1);
        quiet = command.options.quiet;
        if (!quiet) {
            for (const auto& notice : command.notices) print_error(notice);
        }
        if (command.options.debug && !quiet) {
            for (const auto& warning : command.warnings) print_error(warning);
        }
        if (command.options.debug) {
            // Before libmosquitto's debug lines on stdout; the sinks write to the fd itself.
            std::fputs(command.config.c_str(), stdout);
            std::fflush(stdout);
        }
        const Outcome outcome = job(command.options);
        if (!outcome.text.empty() && !quiet) print_error(outcome.text);
        return outcome.status;
    } catch (const UsageError& e) {
        print_error(e.what());
        print_error(fmt::format("Use '{} --help' to see usage.", name));
        return ExitStatus::usage;
    } catch (const Failure& e) {
        if (!quiet) print_error(e.what());
        return e.status();
    } catch (const std::bad_alloc&) {
        print_error("Error: Out of memory.");
        return ExitStatus::usage;
    }
}

}  // namespace mqtt
