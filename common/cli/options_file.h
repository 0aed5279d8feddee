// Options files: the per-tool default file (~/.config/mqtt-pub, falling back to mosquitto's
// ~/.config/mosquitto_pub so migrating users keep their settings) or the one given with -o,
// the named profiles of --profile (~/.config/mqtt-tools/NAME), and the MQTT_* environment
// variables that stand for long options. One option per line, "-opt value", as mosquitto's
// clients read them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace mqtt {

/// The environment variables option loading reads; main() fills it, tests make their own.
struct Environment {
    std::optional<std::string> home;               ///< HOME
    std::optional<std::string> xdg_config_home;    ///< XDG_CONFIG_HOME
    std::map<std::string, std::string> variables;  ///< every MQTT_* variable, by name
};

/// The prefix of the variables that stand for long options.
inline constexpr std::string_view k_variable_prefix = "MQTT_";

/// The variable that stands for the long option `long_name` (without its dashes):
/// MQTT_ and the name in upper case with '-' as '_' ("pw-file" -> "MQTT_PW_FILE").
std::string variable_name(std::string_view long_name);

/// What a variable standing for a flag (e.g. MQTT_RETAIN) says: 1, true, yes, on: the flag
/// is given; 0, false, no, off: it is not; nullopt for anything else.
std::optional<bool> parse_flag_value(std::string_view value);

/// The file of the profile `name` (a file name, not a path): mqtt-tools/<name> under
/// $XDG_CONFIG_HOME or else $HOME/.config. Throws UsageError for a bad name or without
/// either variable.
std::string profile_file(const std::string& name, const Environment& environment);

/// One option line: the option, and the rest of the line after the first space (if any).
struct OptionsLine {
    int number = 0;
    std::string option;
    std::optional<std::string> value;
};

/// Splits an options file as mosquitto's clients do: '#' starts a comment line, empty lines
/// are skipped, a trailing CR/LF is dropped, leading spaces are skipped, and each line
/// splits at its first space. The value is the rest of the line exactly, spaces included
/// ("-m hello world", "-p  1883" gives " 1883"); a line ending right after that space has
/// no value ("-r " is "-r").
std::vector<OptionsLine> parse_options_text(std::string_view text);

/// The longest line an options file or profile may have, in bytes (mosquitto cuts lines at
/// 1023 bytes and reads the rest as another line).
inline constexpr std::size_t k_max_options_line = 8192;
/// The largest options file or profile, in bytes.
inline constexpr std::size_t k_max_options_file = 1024 * 1024;

/// The default files to try for a tool, in order: ours (`name`), then mosquitto's
/// (`fallback`), under $XDG_CONFIG_HOME or else $HOME/.config. Empty without either.
std::vector<std::string> default_options_files(const std::string& name, const std::string& fallback,
                                               const Environment& environment);

/// The user's config folder: $XDG_CONFIG_HOME, or else $HOME/.config; nullopt without either.
std::optional<std::string> config_folder(const Environment& environment);

/// An options file that exists but cannot be opened or read (e.g. permission denied).
class UnreadableFile : public UsageError {
public:
    using UsageError::UsageError;
};

/// The whole file, or nullopt if it does not exist. Throws UnreadableFile if it exists but
/// cannot be read, and UsageError for a line longer than k_max_options_line or a file
/// larger than k_max_options_file (memory stays bounded: -o /dev/zero ends at once).
std::optional<std::string> read_options_file(const std::string& path);

}  // namespace mqtt
