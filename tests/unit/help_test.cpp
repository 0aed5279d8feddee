#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "help.h"

namespace {

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("help: five sections in order, every line within 80 columns, the man page last")
{
    for (const auto tool : {mqtt::Tool::pub, mqtt::Tool::sub, mqtt::Tool::rr}) {
        const std::string text = mqtt::help_text(tool);
        const auto lines = lines_of(text);
        for (const auto& line : lines) {
            CAPTURE(line);
            CHECK(line.size() <= mqtt::k_help_width);
        }
        std::size_t at = 0;
        for (const char* section : {"\nConnection:\n", "\nTLS:\n", "\nMessage:\n", "\nOutput:\n", "\nScripting:\n", "\nHelp:\n"}) {
            CAPTURE(section);
            const auto found = text.find(section, at);
            REQUIRE(found != std::string::npos);
            at = found;
        }
        const std::string name = tool == mqtt::Tool::pub ? "mqtt-pub" : tool == mqtt::Tool::sub ? "mqtt-sub" : "mqtt-rr";
        CHECK(lines.front() == "Usage: " + name + " [OPTIONS]");
        CHECK(lines.back() == "Every option, exit status and example: " + name + "(1), man " + name);
    }
}

TEST_CASE("help: names and value in the left column, the text wrapped beside it or below a long one")
{
    const std::string text = mqtt::help_text(mqtt::Tool::sub);
    CHECK(text.find("\n  -h,--host <host>            broker host name or address (default: localhost)\n") !=
          std::string::npos);
    CHECK(text.find("\n  -p,--port <port>            broker port (default: 1883; 8883 with --cafile,\n"
                    "                              --capath or --psk; 0: unix socket at -h)\n") != std::string::npos);
    CHECK(text.find("\n  -V,--protocol-version <version>\n                              mqttv5, mqttv311 or mqttv31") !=
          std::string::npos);
    CHECK(text.find("\nScripting:\n  -o <options file>") != std::string::npos);
    CHECK(text.find("\n  --probe                     connect, print what the broker granted") != std::string::npos);
    CHECK(text.find("\n  -D,--property <command> <name> [<key>] <value>\n") != std::string::npos);
}
