#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "show_config.h"

namespace {

std::string line(const std::string& setting, const std::string& source)
{
    return "  " + setting + std::string(setting.size() < 40 ? 40 - setting.size() : 0, ' ') + " " + source + "\n";
}

}  // namespace

TEST_CASE("show-config: effective values of the connection settings, then the options given, secrets masked")
{
    mqtt::Options options;
    options.tool = mqtt::Tool::sub;
    options.host = "example.com";
    options.port = 1999;
    options.qos = 2;
    const std::vector<mqtt::Origin> origins = {
        {"--qos", {"1"}, "options file \"/c/mqtt-sub\", line 1", false},
        {"--url", {"mqtt://u:pw@example.com:1999/a"}, "environment variable MQTT_URL", false},
        {"--password", {"s3cret"}, "command line", false},
        {"--topic", {"a"}, "environment variable MQTT_URL", true},
        {"--topic", {"b\x1b"}, "command line", true},
        {"--qos", {"2"}, "command line", false},
        {"--ws-header", {"X: 1"}, "command line", true},
    };
    CHECK(mqtt::show_config_text(options, origins) ==
          "settings in effect (value, then where it came from; secrets masked):\n" +
              line("--host example.com", "environment variable MQTT_URL (--url)") +
              line("--port 1999", "environment variable MQTT_URL (--url)") + line("--protocol-version mqttv311", "default") +
              line("--keepalive 60", "default") + line("--connect-timeout 10", "default") + line("--qos 2", "command line") +
              line("--id (the broker assigns one)", "default") +
              line("--url mqtt://u:***@example.com:1999/a", "environment variable MQTT_URL") +
              line("--password ***", "command line") + line("--topic a", "environment variable MQTT_URL") +
              line("--topic b\\x1b", "command line") + line("--ws-header \"X: 1\"", "command line"));
}
