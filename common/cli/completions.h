// Shell completion scripts for bash, zsh and fish, generated from the option table the
// parser uses (option_list), so that they offer exactly the options each tool takes.
#pragma once

#include <string>
#include <string_view>

#include "options.h"

namespace mqtt {

enum class Shell { bash, zsh, fish };

/// "bash", "zsh" or "fish".
std::string shell_name(Shell shell);

/// The completion script of `tool` for `shell`, as installed (bash: completions/<tool>,
/// zsh: _<tool>, fish: <tool>.fish).
std::string completion_script(Shell shell, Tool tool);

/// The file name the script of `tool` for `shell` is installed under.
std::string completion_file_name(Shell shell, Tool tool);

}  // namespace mqtt
