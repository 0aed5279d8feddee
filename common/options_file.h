// Options files: the per-tool default file (~/.config/mqtt-pub, falling back to mosquitto's
// ~/.config/mosquitto_pub so migrating users keep their settings) or the one given with -o.
// One option per line, "-opt value", as mosquitto's clients read them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtt {

/// The environment variables option loading reads; main() fills it, tests make their own.
struct Environment {
    std::optional<std::string> home;             ///< HOME
    std::optional<std::string> xdg_config_home;  ///< XDG_CONFIG_HOME
};

/// One option line: the option, and the rest of the line after the first space (if any).
struct OptionsLine {
    int number = 0;
    std::string option;
    std::optional<std::string> value;
};

/// Splits an options file: '#' starts a comment line, empty lines are skipped, a trailing
/// CR/LF is dropped, and each line splits at its first space (the value keeps the rest,
/// spaces included, so "-m hello world" works).
std::vector<OptionsLine> parse_options_text(std::string_view text);

/// The default files to try for a tool, in order: ours (`name`), then mosquitto's
/// (`fallback`), under $XDG_CONFIG_HOME or else $HOME/.config. Empty without either.
std::vector<std::string> default_options_files(const std::string& name, const std::string& fallback,
                                               const Environment& environment);

/// The whole file, or nullopt if it does not exist. Throws UsageError if it exists but
/// cannot be read.
std::optional<std::string> read_options_file(const std::string& path);

}  // namespace mqtt
