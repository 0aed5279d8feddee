#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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
    mqtt::Environment xdg() const { return {std::nullopt, path, {}}; }
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

TEST_CASE("options files: tokenised as mosquitto's clients do (strtok at the first space, the rest as it is)")
{
    // mosquitto: strtok(line, " ") then strtok(NULL, ""): "-p  1883" gives " 1883" (atoi
    // skips the space), "-h host " keeps the space, "-r " has no value, a tab is no separator.
    const auto lines = mqtt::parse_options_text("-p  1883\n-h host \n-r \n-E  \n\t-d\n  \n-m  two  spaces \n");
    REQUIRE(lines.size() == 6);
    CHECK(lines[0].value == " 1883");
    CHECK(lines[1].value == "host ");
    CHECK(lines[2].option == "-r");
    CHECK_FALSE(lines[2].value);
    CHECK(lines[3].value == " ");
    CHECK(lines[4].option == "\t-d");
    CHECK(lines[5].value == " two  spaces ");

    ConfigHome home;
    home.write("mqtt-sub", "-p  60395\n-k 30 \n-E \n-t a b \n-W \t5\t\n");
    const auto o = mqtt::parse_command_line(mqtt::Tool::sub, {}, home.xdg()).options;
    CHECK(o.port == 60395);
    CHECK(o.keepalive == 30);
    CHECK(o.exit_after_subscribe);
    CHECK(o.topics == std::vector<std::string>{"a b "});
    CHECK(o.timeout == 5);
}

TEST_CASE("options files: error lines quote the value, so that spaces show, and cut a long one")
{
    ConfigHome home;
    const std::string spaced = home.write("spaced.conf", "-q 1 x\n");
    CHECK(error_of({"-o", spaced, "-t", "t", "-n"}, {}) ==
          "Error: Invalid QoS given: 1 x\n(in options file \"" + spaced + "\", line 1: -q \"1 x\")");
    const std::string flag = home.write("flag.conf", "-r  \n");
    CHECK(error_of({"-o", flag, "-t", "t", "-n"}, {}) ==
          "Error: Unknown option ' '.\n(in options file \"" + flag + "\", line 1: -r \" \")");
    const std::string long_value(5000, '7');
    const std::string long_port = home.write("long.conf", "-p " + long_value + "\n");
    const std::string shown = std::string(64, '7');
    CHECK(error_of({"-o", long_port, "-t", "t", "-n"}, {}) ==
          "Error: Invalid port given: " + shown + "... (5000 bytes)\n(in options file \"" + long_port + "\", line 1: -p \"" +
              shown + "\"... (5000 bytes))");
    const std::string long_option = home.write("long-option.conf", "-" + std::string(100, 'x') + "\n");
    CHECK(error_of({"-o", long_option}, {}) ==
          "Error: Unknown option '-" + std::string(63, 'x') + "... (101 bytes)'.\n(in options file \"" + long_option +
              "\", line 1: -" + std::string(63, 'x') + "... (101 bytes))");
    // Secrets never show; a URL's password neither.
    const std::string secret = home.write("secret.conf", "-P hunter2\n-q 9\n");
    CHECK(error_of({"-o", secret, "-t", "t", "-n"}, {}) ==
          "Error: Invalid QoS given: 9\n(in options file \"" + secret + "\", line 2: -q \"9\")");
    const std::string psk = home.write("psk.conf", "--psk-identity\n");
    CHECK(error_of({"-o", psk, "-t", "t", "-n"}, {}) ==
          "Error: --psk-identity argument given but no identity specified.\n(in options file \"" + psk +
              "\", line 1: --psk-identity)");
    const std::string url = home.write("url.conf", "-L mqtt://bob:hunter2@host:1883/a/+\n");
    const std::string url_error = error_of({"-o", url, "-m", "x"}, {});
    CHECK(url_error.find("hunter2") == std::string::npos);
    CHECK(url_error.find("line 1: -L \"mqtt://bob:***@host:1883/a/+\")") != std::string::npos);
}

TEST_CASE("options files: lines and files are bounded, a huge line or /dev/zero ends with one clear line")
{
    ConfigHome home;
    const std::string at_limit = home.write("at-limit.conf", "-m " + std::string(mqtt::k_max_options_line - 3, 'm') + "\n-t t\n");
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"-o", at_limit}, {}).options.message.size() == mqtt::k_max_options_line - 3);
    const std::string too_long = home.write("too-long.conf", "-t t\n-m " + std::string(mqtt::k_max_options_line - 2, 'm') + "\n");
    CHECK(error_of({"-o", too_long}, {}) == "Error: Line 2 of options file \"" + too_long + "\" is longer than 8192 bytes.");
    CHECK(error_of({"-o", "/dev/zero"}, {}) == "Error: Line 1 of options file \"/dev/zero\" is longer than 8192 bytes.");
    std::string many;
    while (many.size() <= mqtt::k_max_options_file) many += "-r\n";
    const std::string big = home.write("big.conf", many);
    CHECK(error_of({"-o", big}, {}) == "Error: Options file \"" + big + "\" is larger than 1048576 bytes.");
    // A profile too.
    const std::string profile = home.write("mqtt-tools/huge", "-m " + std::string(10000, 'm') + "\n");
    CHECK(error_of({"--profile", "huge"}, home.xdg()) ==
          "Error: Line 1 of options file \"" + profile + "\" is longer than 8192 bytes.");
}

TEST_CASE("options files: a default file that cannot be read is skipped with a warning, -o and --profile stay fatal")
{
    ConfigHome home;
    std::filesystem::create_directories(home.path + "/mqtt-pub");  // exists, read() fails: EISDIR
    home.write("mosquitto_pub", "-h from-mosquitto\n");
    const auto parsed = mqtt::parse_command_line(mqtt::Tool::pub, {"-t", "t", "-n"}, home.xdg());
    CHECK(parsed.options.host == "from-mosquitto");
    CHECK(parsed.warnings ==
          std::vector<std::string>{"Warning: Unable to read options file \"" + home.path +
                                   "/mqtt-pub\": Is a directory. Going on without it."});
    CHECK(error_of({"-o", home.path + "/mqtt-pub", "-t", "t", "-n"}, {}) ==
          "Error: Unable to read options file \"" + home.path + "/mqtt-pub\": Is a directory.");
    std::filesystem::create_directories(home.path + "/mqtt-tools/dir");
    CHECK(error_of({"--profile", "dir", "-t", "t", "-n"}, home.xdg()) ==
          "Error: Unable to read options file \"" + home.path + "/mqtt-tools/dir\": Is a directory.");
    if (::geteuid() != 0) {  // root reads any file
        const std::string locked = home.write("mqtt-sub", "-v\n");
        std::filesystem::permissions(locked, std::filesystem::perms::none);
        const auto sub = mqtt::parse_command_line(mqtt::Tool::sub, {"-t", "t"}, home.xdg());
        CHECK(sub.warnings ==
              std::vector<std::string>{"Warning: Unable to read options file \"" + locked +
                                       "\": Permission denied. Going on without it."});
    }
}

TEST_CASE("options files: ours first, then mosquitto's, under XDG_CONFIG_HOME or HOME/.config")
{
    CHECK(mqtt::default_options_files("mqtt-pub", "mosquitto_pub", {"/home/u", "/xdg", {}}) ==
          std::vector<std::string>{"/xdg/mqtt-pub", "/xdg/mosquitto_pub"});
    CHECK(mqtt::default_options_files("mqtt-sub", "mosquitto_sub", {"/home/u", std::nullopt, {}}) ==
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

TEST_CASE("options files: -o replaces the default file, errors name the file and line")
{
    ConfigHome home;
    home.write("mqtt-pub", "-h default\n");
    const std::string other = home.write("other.conf", "-h other\n");
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"-o", other, "-t", "t", "-n"}, home.xdg()).options.host == "other");

    const std::string bad = home.write("bad.conf", "-h ok\n# fine\n-q 7\n");
    CHECK(error_of({"-o", bad, "-t", "t", "-n"}, {}) ==
          "Error: Invalid QoS given: 7\n(in options file \"" + bad + "\", line 3: -q \"7\")");
    const std::string unknown = home.write("unknown.conf", "--bogus 1\n");
    CHECK(error_of({"-o", unknown}, {}) ==
          "Error: Unknown option '--bogus'.\n(in options file \"" + unknown + "\", line 1: --bogus \"1\")");
    const std::string flag = home.write("flag.conf", "-r yes\n");
    CHECK(error_of({"-o", flag}, {}) == "Error: Unknown option 'yes'.\n(in options file \"" + flag + "\", line 1: -r \"yes\")");
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

TEST_CASE("options files: -D takes its values from the rest of the line, the last keeps spaces")
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

namespace {

/// `home` as the config folder, with MQTT_* `variables`.
mqtt::Environment with_variables(const ConfigHome& home, std::map<std::string, std::string> variables)
{
    mqtt::Environment environment = home.xdg();
    environment.variables = std::move(variables);
    return environment;
}

}  // namespace

TEST_CASE("environment: one rule for the name, MQTT_ and the long option in upper case")
{
    CHECK(mqtt::variable_name("host") == "MQTT_HOST");
    CHECK(mqtt::variable_name("password") == "MQTT_PASSWORD");
    CHECK(mqtt::variable_name("will-topic") == "MQTT_WILL_TOPIC");
    CHECK(mqtt::variable_name("tls-engine-kpass-sha1") == "MQTT_TLS_ENGINE_KPASS_SHA1");
}

TEST_CASE("environment: flags take 1/true/yes/on or 0/false/no/off")
{
    for (const char* yes : {"1", "true", "yes", "on"}) CHECK(mqtt::parse_flag_value(yes) == true);
    for (const char* no : {"0", "false", "no", "off"}) CHECK(mqtt::parse_flag_value(no) == false);
    for (const char* bad : {"", "2", "TRUE", "y"}) CHECK_FALSE(mqtt::parse_flag_value(bad));
}

TEST_CASE("environment: variables stand for long options, the command line overrides them")
{
    ConfigHome home;
    const auto env = with_variables(home,
                                    {{"MQTT_HOST", "envhost"},
                                     {"MQTT_PORT", "1999"},
                                     {"MQTT_USERNAME", "user"},
                                     {"MQTT_PASSWORD", "secret"},
                                     {"MQTT_RETAIN", "1"},
                                     {"MQTT_TOPIC", "env/topic"},
                                     {"MQTT_MESSAGE", "from env"},
                                     {"MQTT_PROPERTY", "publish user-property origin the environment"},
                                     {"MQTT_QOS", ""},       // empty: unset
                                     {"MQTT_VERBOSE", "1"},  // not a mqtt-pub option: ignored
                                     {"MQTT_NOT_AN_OPTION", "x"}});
    auto o = mqtt::parse_command_line(mqtt::Tool::pub, {}, env).options;
    CHECK(o.host == "envhost");
    CHECK(o.port == 1999);
    CHECK(o.username == "user");
    CHECK(o.password == "secret");
    CHECK(o.retain);
    CHECK(o.qos == 0);
    CHECK(o.topics == std::vector<std::string>{"env/topic"});
    CHECK(o.message == "from env");
    REQUIRE(o.properties.publish.size() == 1);
    CHECK(o.properties.publish[0].value == "the environment");

    o = mqtt::parse_command_line(mqtt::Tool::pub, {"-h", "arghost", "-P", "other", "-n"}, env).options;
    CHECK(o.host == "arghost");
    CHECK(o.password == "other");
    CHECK(o.input == mqtt::InputMode::null_message);  // replaces the environment's -m
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"-t", "t", "-n"}, with_variables(home, {{"MQTT_RETAIN", "0"}}))
              .options.retain == false);
}

TEST_CASE("environment and profiles: the file, then the profile, then the environment, then argv")
{
    ConfigHome home;
    home.write("mqtt-pub", "-h file\n-p 1001\n-k 11\n-q 1\n-t t\n-n\n");
    home.write("mqtt-tools/lab", "# shared by all tools\n-p 1002\n-k 12\n-q 2\n-v\n-C 3\n");
    const auto env = with_variables(home, {{"MQTT_KEEPALIVE", "13"}, {"MQTT_QOS", "0"}});
    const auto o = mqtt::parse_command_line(mqtt::Tool::pub, {"--profile", "lab", "-q", "1"}, env).options;
    CHECK(o.host == "file");
    CHECK(o.port == 1002);
    CHECK(o.keepalive == 13);
    CHECK(o.qos == 1);
    // MQTT_PROFILE names the profile when --profile does not.
    auto by_variable = env;
    by_variable.variables["MQTT_PROFILE"] = "lab";
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {}, by_variable).options.port == 1002);
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {}, env).options.port == 1001);
}

TEST_CASE("environment and profiles: errors say where the value came from")
{
    ConfigHome home;
    CHECK(error_of({"-t", "t", "-n"}, with_variables(home, {{"MQTT_PORT", "abc"}})) ==
          "Error: Invalid port given: abc\n(in environment variable MQTT_PORT)");
    CHECK(error_of({"-t", "t", "-n"}, with_variables(home, {{"MQTT_RETAIN", "maybe"}})) ==
          "Error: Invalid flag value \"maybe\", use 1 or 0.\n(in environment variable MQTT_RETAIN)");
    const std::string lab = home.write("mqtt-tools/lab", "-q 1\n-k 2\n");
    CHECK(error_of({"--profile", "lab", "-t", "t", "-n"}, home.xdg()) ==
          "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n(in options file \"" + lab +
              "\", line 2: -k \"2\")");
    const std::string typo = home.write("mqtt-tools/typo", "--bogus 1\n");
    CHECK(error_of({"--profile", "typo"}, home.xdg()) ==
          "Error: Unknown option '--bogus'.\n(in options file \"" + typo + "\", line 1: --bogus \"1\")");
    const std::string nested = home.write("mqtt-tools/nested", "--profile lab\n");
    CHECK(error_of({"--profile", "nested"}, home.xdg()) ==
          "Error: --profile cannot be used in an options file.\n(in options file \"" + nested + "\", line 1: --profile \"lab\")");
    CHECK(error_of({"--profile", "none"}, home.xdg()) ==
          "Error: Unable to open profile \"none\" (" + home.path + "/mqtt-tools/none).");
    CHECK(error_of({}, with_variables(home, {{"MQTT_PROFILE", "none"}})) ==
          "Error: Unable to open profile \"none\" (" + home.path + "/mqtt-tools/none).\n(in environment variable MQTT_PROFILE)");
    CHECK(error_of({"--profile", "../x"}, home.xdg()) ==
          "Error: Invalid profile name \"../x\" (a file name in ~/.config/mqtt-tools/, not a path).");
    CHECK(error_of({"--profile", "x"}, {}) == "Error: --profile needs HOME or XDG_CONFIG_HOME to find the profile folder.");
    CHECK(error_of({"--profile"}, {}) == "Error: --profile argument given but no name specified.");
}
