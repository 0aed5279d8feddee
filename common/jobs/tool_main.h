// What every tool's main() does around its job: parse the command line, answer --help and
// --version, run the job, and turn the outcome or an error into one stderr line and the
// exit status of the table in exit_status.h.
#pragma once

#include <functional>

#include "options.h"
#include "connection.h"

namespace mqtt {

using Job = std::function<Outcome(const Options&)>;

/// The whole of main() for `tool`.
int tool_main(Tool tool, int argc, char** argv, const Job& job);

}  // namespace mqtt
