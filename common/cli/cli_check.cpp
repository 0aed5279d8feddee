// check_option_table(): CLI11's App judges the option table once, in the unit tests. A file
// of its own, so that the tools do not link CLI::App (and <iostream>'s start-up).
#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

#include "cli.h"

namespace mqtt {

void check_option_table(Tool tool)
{
    CLI::App app(program_name(tool));
    app.set_help_flag();  // -h is --host here
    for (const auto& info : option_list(tool)) {
        std::string names;
        for (const auto& name : info.names) {
            // The parser matches names exactly; CLI11 would trim the spaces away.
            if (name.find_first_of(" \t") != std::string::npos) {
                throw std::logic_error("option name with a space: '" + name + "'");
            }
            names += (names.empty() ? "" : ",") + name;
        }
        if (info.value.empty()) {
            app.add_flag(names);
        } else {
            app.add_option(names);
        }
    }
}

}  // namespace mqtt
