#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <utility>
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

TEST_CASE("help: the man page's sections in order, every line within 80 columns, the man page last")
{
    const std::vector<std::pair<mqtt::Tool, std::vector<std::string>>> tools = {
        {mqtt::Tool::pub,
         {"Connection", "TLS", "Message", "Streams", "Publish", "Will", "Scripting", "MQTT 5 properties", "Help"}},
        {mqtt::Tool::sub, {"Connection", "TLS", "Subscribe", "Output", "Will", "Scripting", "MQTT 5 properties", "Help"}},
        {mqtt::Tool::rr,
         {"Connection", "TLS", "Request", "Message", "Response", "Output", "Will", "MQTT 5 properties", "Help"}},
    };
    for (const auto& [tool, sections] : tools) {
        const std::string text = mqtt::help_text(tool);
        const auto lines = lines_of(text);
        std::vector<std::string> found;
        for (const auto& line : lines) {
            CAPTURE(line);
            CHECK(line.size() <= mqtt::k_help_width);
            if (!line.empty() && line.back() == ':' && line.front() != ' ') found.push_back(line.substr(0, line.size() - 1));
        }
        CHECK(found == sections);
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
    CHECK(text.find("\nSubscribe:\n  -t,--topic <topic>") != std::string::npos);
    CHECK(text.find("\n  --probe                     connect, print what the broker granted") != std::string::npos);
    CHECK(text.find("\n  -D,--property <command> <name> [<key>] <value>\n") != std::string::npos);
}
