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
        {mqtt::Tool::rr, {"Connection", "TLS", "Request", "Message", "Response", "Output", "Will", "MQTT 5 properties", "Help"}},
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
    CHECK(text.find("\n  -h,--host <host>            broker host name or address (default: localhost)\n") != std::string::npos);
    CHECK(text.find("\n  -p,--port <port>            broker port (default: 1883; 8883 with --cafile,\n"
                    "                              --capath or --psk; 0: unix socket at -h)\n") != std::string::npos);
    CHECK(text.find("\n  -V,--protocol-version <version>\n                              MQTT version: 5 or mqttv5, 311") !=
          std::string::npos);
    CHECK(text.find("\nSubscribe:\n  -t,--topic <topic>") != std::string::npos);
    CHECK(text.find("\n  --probe                     connect, print what the broker granted") != std::string::npos);
    CHECK(text.find("\n  -D,--property <command> <name> [<key>] <value>\n") != std::string::npos);
}

TEST_CASE("help: each tool says its own defaults, requirements and wording, not the others'")
{
    const std::string pub = mqtt::help_text(mqtt::Tool::pub);
    const std::string sub = mqtt::help_text(mqtt::Tool::sub);
    const std::string rr = mqtt::help_text(mqtt::Tool::rr);
    for (const auto* text : {&pub, &sub, &rr}) {
        CAPTURE(*text);
        CHECK(text->find("mqtt-rr:") == std::string::npos);
        CHECK(text->find("mqtt-sub:") == std::string::npos);
        CHECK(text->find("mqtt-pub:") == std::string::npos);
    }
    const std::string v311 = "\n  -V,--protocol-version <version>\n"
                             "                              MQTT version: 5 or mqttv5, 311 or mqttv311, 31 or\n"
                             "                              mqttv31 (default: mqttv311)\n";
    CHECK(pub.find(v311) != std::string::npos);
    CHECK(sub.find(v311) != std::string::npos);
    CHECK(rr.find("\n                              mqttv31 (default: mqttv5)\n") != std::string::npos);
    CHECK(pub.find("\n  -t,--topic <topic>          topic to publish to; required unless -L gives it\n"
                   "                              (or with --json, --probe)\n") != std::string::npos);
    CHECK(rr.find("\n  -t,--topic <topic>          topic to send the request to; required unless -L\n"
                  "                              gives it\n") != std::string::npos);
    CHECK(sub.find("\n  -t,--topic <topic>          topic filter to subscribe to (repeatable);\n"
                   "                              required unless -U or -L gives one (or with\n"
                   "                              --probe)\n") != std::string::npos);
    CHECK(pub.find("\n  --stats                     print one JSON object of counters on stderr at the\n"
                   "                              end\n") != std::string::npos);
    CHECK(sub.find("\n  --stats                     print one JSON object of counters and the\n"
                   "                              latencies of --stamp'ed messages on stderr at the\n"
                   "                              end\n") != std::string::npos);
}
