// mqtt-completions: writes the shell completion scripts of the four tools, generated from
// the option table they parse with, into DIR/bash, DIR/zsh and DIR/fish (the build's
// "completions" target writes completions/ with it; a test compares the two).
#include <filesystem>
#include <fstream>
#include <string>

#include "completions.h"
#include "diagnostics.h"

int main(int argc, char** argv)
{
    if (argc != 2) {
        mqtt::print_line("Usage: mqtt-completions DIR");
        return 1;
    }
    for (const auto shell : {mqtt::Shell::bash, mqtt::Shell::zsh, mqtt::Shell::fish}) {
        const auto folder = std::filesystem::path(argv[1]) / mqtt::shell_name(shell);
        std::error_code error;
        std::filesystem::create_directories(folder, error);
        for (const auto tool : {mqtt::Tool::pub, mqtt::Tool::sub, mqtt::Tool::rr, mqtt::Tool::bench}) {
            const auto path = folder / mqtt::completion_file_name(shell, tool);
            const std::string script = mqtt::completion_script(shell, tool);
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out.write(script.data(), static_cast<std::streamsize>(script.size()));
            if (!out.flush()) {
                mqtt::print_line("mqtt-completions: cannot write " + path.string());
                return 1;
            }
        }
    }
    return 0;
}
