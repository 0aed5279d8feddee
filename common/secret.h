// Passwords from outside argv, so that they never show in the process list: the first line
// of a file (--pw-file) or what the user types at the terminal (-P -), echo off; and kept
// out of core dumps.
#pragma once

#include <string>

namespace mqtt {

/// The first line of `path`, without its line ending. Throws UsageError naming the file
/// (never its content) when it cannot be read.
std::string read_password_file(const std::string& path);

/// Asks for a password on the controlling terminal with echo off. Throws UsageError when
/// there is no terminal.
std::string prompt_password();

/// From now on no core dump can hold what is in memory (a password, a key): the process
/// is no longer dumpable (PR_SET_DUMPABLE 0, which also keeps other processes of the user
/// from reading its memory) and its core size limit is 0. Called as soon as a secret is read.
void keep_out_of_core_dumps();

/// `url` with the password of its user information (scheme://user:password@...) replaced
/// by "***", for error lines.
std::string redact_url(const std::string& url);

}  // namespace mqtt
