// The checks of --ws-header and --ws-path, made when the command line is read, so that a
// bad value is a usage error before anything connects.
#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace mqtt::ws {

/// Checks a --ws-header value; returns the error text (without "Error: ") or "".
Status check_header(std::string_view line);
/// Checks a --ws-path value; returns the error text (without "Error: ") or "".
Status check_path(std::string_view path);

}  // namespace mqtt::ws
