#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "options_file.h"

namespace {

/// A private folder holding config files, removed at the end.
struct ConfigHome {
    std::string path;
    ConfigHome()
    {
        char templ[] = "/tmp/mqtt-tools-config-XXXXXX";
        REQUIRE(::mkdtemp(templ) != nullptr);
        path = templ;
    }
    ~ConfigHome() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const
    {
        const std::string file = path + "/" + name;
        std::filesystem::create_directories(std::filesystem::path(file).parent_path());
        std::ofstream(file) << text;
        return file;
    }
    mqtt::Environment xdg() const { return {std::nullopt, path}; }
};

std::string error_of(const std::vector<std::string>& args, const mqtt::Environment& environment)
{
    try {
        mqtt::parse_command_line(mqtt::Tool::pub, args, environment);
    } catch (const mqtt::UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("options files: one option per line, split at the first space")
{
    const auto lines = mqtt::parse_options_text("# comment\n-h broker\r\n\n-m hello  world\n   -r\n-k\n");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].number == 2);
    CHECK(lines[0].option == "-h");
    CHECK(lines[0].value == "broker");
    CHECK(lines[1].option == "-m");
    CHECK(lines[1].value == "hello  world");
    CHECK(lines[2].option == "-r");
    CHECK_FALSE(lines[2].value);
    CHECK(lines[3].number == 6);
    CHECK(mqtt::parse_options_text("").empty());
    CHECK(mqtt::parse_options_text("-t last-line-without-newline").at(0).value == "last-line-without-newline");
}

TEST_CASE("options files: ours first, then mosquitto's, under XDG_CONFIG_HOME or HOME/.config")
{
    CHECK(mqtt::default_options_files("mqtt-pub", "mosquitto_pub", {"/home/u", "/xdg"}) ==
          std::vector<std::string>{"/xdg/mqtt-pub", "/xdg/mosquitto_pub"});
    CHECK(mqtt::default_options_files("mqtt-sub", "mosquitto_sub", {"/home/u", std::nullopt}) ==
          std::vector<std::string>{"/home/u/.config/mqtt-sub", "/home/u/.config/mosquitto_sub"});
    CHECK(mqtt::default_options_files("mqtt-pub", "mosquitto_pub", {}).empty());
}

TEST_CASE("options files: the default file applies first and the command line overrides it")
{
    ConfigHome home;
    home.write("mqtt-pub", "-h filehost\n-p 1999\n-q 1\n-m from the file\n-t file/topic\n");
    const auto o = mqtt::parse_command_line(mqtt::Tool::pub, {"-q", "2", "-m", "from argv"}, home.xdg()).options;
    CHECK(o.host == "filehost");
    CHECK(o.port == 1999);
    CHECK(o.qos == 2);
    CHECK(o.message == "from argv");  // replaces the file's message instead of clashing
    CHECK(o.topics == std::vector<std::string>{"file/topic"});
}

TEST_CASE("options files: mosquitto's file is the fallback, ours wins when both exist")
{
    ConfigHome home;
    home.write("mosquitto_pub", "-h mosquitto-host\n");
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"-t", "t", "-n"}, home.xdg()).options.host == "mosquitto-host");
    home.write("mqtt-pub", "-h our-host\n");
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"-t", "t", "-n"}, home.xdg()).options.host == "our-host");
}

TEST_CASE("options files: -o replaces the default file; errors name the file and line")
{
    ConfigHome home;
    home.write("mqtt-pub", "-h default\n");
    const std::string other = home.write("other.conf", "-h other\n");
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"-o", other, "-t", "t", "-n"}, home.xdg()).options.host == "other");

    const std::string bad = home.write("bad.conf", "-h ok\n# fine\n-q 7\n");
    CHECK(error_of({"-o", bad, "-t", "t", "-n"}, {}) ==
          "Error: Invalid QoS given: 7\n(in options file \"" + bad + "\", line 3)");
    const std::string unknown = home.write("unknown.conf", "--bogus 1\n");
    CHECK(error_of({"-o", unknown}, {}) == "Error: Unknown option '--bogus'.\n(in options file \"" + unknown + "\", line 1)");
    const std::string flag = home.write("flag.conf", "-r yes\n");
    CHECK(error_of({"-o", flag}, {}) == "Error: Unknown option 'yes'.\n(in options file \"" + flag + "\", line 1)");
    CHECK(error_of({"-o", home.path + "/missing"}, {}) == "Error: Unable to open options file \"" + home.path + "/missing\".");
    CHECK(error_of({"-o", "a", "-o", "b"}, {}) == "Error: Duplicate -o argument given.");
    CHECK(error_of({"-o"}, {}) == "Error: -o argument given but no options file specified.");
}

TEST_CASE("options files: sub filters from the file and the command line add up")
{
    ConfigHome home;
    home.write("mqtt-sub", "-t from/file\n-v\n");
    const auto o = mqtt::parse_command_line(mqtt::Tool::sub, {"-t", "from/argv"}, home.xdg()).options;
    CHECK(o.topics == std::vector<std::string>{"from/file", "from/argv"});
    CHECK(o.verbose);
}

TEST_CASE("options files: -D takes its values from the rest of the line; the last keeps spaces")
{
    ConfigHome home;
    home.write("mqtt-pub", "-D publish user-property origin the config file\n-D publish message-expiry-interval 60\n");
    const auto o = mqtt::parse_command_line(mqtt::Tool::pub, {"-t", "t", "-n"}, home.xdg()).options;
    REQUIRE(o.properties.publish.size() == 2);
    CHECK(o.properties.publish[0].key == "origin");
    CHECK(o.properties.publish[0].value == "the config file");
    CHECK(o.properties.publish[1].number == 60);
    CHECK(o.protocol == mqtt::k_mqtt5);
}
