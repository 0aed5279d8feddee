// --exec as text: "CMD" or "FILTER=CMD", CMD being a command line split into words as a
// POSIX shell splits a simple command, without a shell: no variables, globs, pipes or
// redirections (write `sh -c '...'` for those). Parsed once on the command line; the
// subscriber runs the words with posix_spawnp (jobs/exec_runner.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt {

/// The upper bound of --exec-jobs.
inline constexpr int k_max_exec_jobs = 64;

/// One --exec: the command for messages whose topic matches `filter` ("#" when none given).
struct ExecRule {
    std::string filter;
    std::vector<std::string> argv;  ///< the program (looked up in PATH) and its arguments
    std::string text;               ///< the command as the user wrote it, for error lines
};

/// Splits `text` into words: blanks separate words; 'single quotes' keep everything;
/// "double quotes" keep everything but \" and \\; outside quotes a backslash keeps the next
/// character. The words, or the error line ("Error: --exec ...").
Result<std::vector<std::string>> split_command(std::string_view text);

/// Parses "CMD" or "FILTER=CMD": the text is a rule when the part before its first '=' is
/// not empty and holds no blank, quote or backslash (so "grep -e a=b" is a command, and
/// "#=env A=b" runs env for every topic). The rule, or the error line.
Result<ExecRule> parse_exec_rule(std::string_view text);

/// The rule of the first of `rules` whose filter matches `topic`, or null.
const ExecRule* find_exec_rule(const std::vector<ExecRule>& rules, std::string_view topic);

}  // namespace mqtt
