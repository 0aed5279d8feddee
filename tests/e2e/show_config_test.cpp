// --show-config: the settings in effect and where each came from, secrets masked, exit 0
// without connecting; -d prints the same at start, on stdout with its debug lines.
#include "e2e.h"

using namespace e2e;

namespace {

/// One line of the report: the setting padded to 40 columns, then its source.
std::string line(const std::string& setting, const std::string& source)
{
    return "  " + setting + std::string(setting.size() < 40 ? 40 - setting.size() : 0, ' ') + " " + source + "\n";
}

}  // namespace

TEST_CASE("show-config: each setting with its source (default, options file, profile, environment, command line)")
{
    TempDir config;
    config.write("mqtt-sub", "-p 1884\n-P filesecret\n-k 30\n");
    std::filesystem::create_directories(config.path() + "/mqtt-tools");
    config.write("mqtt-tools/lab", "-h lab-broker\n-u tester\n-m not-for-sub\n");
    const test::Result r = test::run(with_env(
        config.path(), {"MQTT_QOS=1"}, command("mqtt-sub", {"--profile", "lab", "-t", "a/b", "-t", "c d", "--show-config"})));
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    const std::string file = "options file \"" + config.path() + "/mqtt-sub\", line ";
    const std::string profile = "profile \"" + config.path() + "/mqtt-tools/lab\", line ";
    CHECK(r.out ==
          "mqtt-sub settings in effect (value, then where it came from; secrets masked):\n" +
              line("--host lab-broker", profile + "1") + line("--port 1884", file + "1") +
              line("--protocol-version mqttv311", "default") + line("--keepalive 30", file + "3") +
              line("--connect-timeout 10", "default") + line("--qos 1", "environment variable MQTT_QOS") +
              line("--id (the broker assigns one)", "default") + line("--password ***", file + "2") +
              line("--username tester", profile + "2") + line("--profile lab", "command line") +
              line("--topic a/b", "command line") + line("--topic \"c d\"", "command line"));
    CHECK(r.out.find("filesecret") == std::string::npos);
}

TEST_CASE("show-config: the option that set a setting, a URL's password masked, the TLS port, no topic needed")
{
    TempDir config;
    const test::Result url = test::run(with_env(
        config.path(), {},
        command("mqtt-pub",
                {"-L", "mqtt://ci:pw@example.com:1999/t", "-D", "publish", "user-property", "k", "v", "--show-config"})));
    INFO("stderr: " << url.err);
    CHECK(url.status == 0);
    CHECK(url.out.find(line("--host example.com", "command line (--url)")) != std::string::npos);
    CHECK(url.out.find(line("--port 1999", "command line (--url)")) != std::string::npos);
    CHECK(url.out.find(line("--protocol-version mqttv5", "command line (--property)")) != std::string::npos);
    CHECK(url.out.find(line("--property publish user-property k v", "command line")) != std::string::npos);
    CHECK(url.out.find(":pw@") == std::string::npos);
    CHECK(url.out.find("ci:***@example.com") != std::string::npos);

    const test::Result tls = test::run(with_env(config.path(), {}, command("mqtt-rr", {"--cafile", "ca.crt", "--show-config"})));
    CHECK(tls.status == 0);
    CHECK(tls.out.starts_with("mqtt-rr settings in effect"));
    CHECK(tls.out.find(line("--port 8883", "default with TLS")) != std::string::npos);
    CHECK(tls.out.find(line("--protocol-version mqttv5", "default")) != std::string::npos);

    // A bad value is still a usage error.
    const test::Result bad =
        test::run(with_env(config.path(), {"MQTT_PORT=tcp://10.0.0.2:1883"}, command("mqtt-sub", {"--show-config"})));
    CHECK(bad.status == 1);
    CHECK(bad.out.empty());
}

TEST_CASE("show-config: -d prints the settings at start, before its debug lines, and the run goes on")
{
    test::Broker broker;
    TempDir config;
    const test::Result r =
        test::run(with_env(config.path(), {}, pub(broker, {"-d", "-t", "show/config", "-m", "x", "-P", "hidden", "-u", "u"})));
    INFO("stderr: " << r.err);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(r.out.starts_with("mqtt-pub settings in effect (value, then where it came from; secrets masked):\n" +
                            line("--host 127.0.0.1", "command line") + line("--port " + broker.port_str(), "command line")));
    CHECK(r.out.find(line("--password ***", "command line")) != std::string::npos);
    CHECK(r.out.find("hidden") == std::string::npos);
    CHECK(r.out.find("sending CONNECT") > r.out.find("--password ***"));
}
