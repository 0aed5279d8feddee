// --show-config (and -d at start): each setting in effect and where it came from, the
// default or the last source that set it (options file, profile, environment, command
// line), with secrets masked.
#pragma once

#include <string>
#include <vector>

#include "options.h"

namespace mqtt {

/// One option as one source gave it; parse_command_line records them as it applies them.
struct Origin {
    std::string option;               ///< its long name, else its short one: "--host", "-x"
    std::vector<std::string> values;  ///< as given; none for a flag
    std::string source;               ///< "command line", "environment variable MQTT_HOST", ...
    bool adds = false;                ///< each use adds a value (sub -t, -D) instead of replacing
};

/// The report: first the connection settings every run has (host, port, MQTT version,
/// keep-alive, timeouts, QoS, client id) with their effective values, then every other
/// option given, in the order of `origins` (lowest source first; of an option that
/// replaces, only the last). Control bytes in values and sources are escaped.
std::string show_config_text(const Options& options, const std::vector<Origin>& origins);

}  // namespace mqtt
