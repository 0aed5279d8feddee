// --help: the options of a tool from the parser's table (option_list), in the sections of
// the man page's OPTIONS (Connection, TLS, ...; then Help), each line what the option does
// and its default, wrapped to 80 columns, ending with where the man page is.
#pragma once

#include <string>

#include "options.h"

namespace mqtt {

/// The widest line --help writes.
inline constexpr std::size_t k_help_width = 80;

/// The whole --help text of `tool`.
std::string help_text(Tool tool);

}  // namespace mqtt
