// The one writer of stderr. Every line the tools print there (errors, warnings, --stats,
// the --progress line) goes through here: control bytes from peers or input are escaped
// before a terminal sees them, and each line leaves in one write(2), unbuffered, so that
// lines from a tool and from libmosquitto's -d log never interleave mid-line.
#pragma once

#include <string_view>

namespace mqtt {

/// Writes `text` (one or more lines, control bytes escaped, the '\n' between lines kept)
/// and a newline.
void print_line(std::string_view text);

/// Writes `bytes` as they are: for a terminal line the tool redraws itself (--progress),
/// whose control sequences are its own.
void print_raw(std::string_view bytes);

}  // namespace mqtt
