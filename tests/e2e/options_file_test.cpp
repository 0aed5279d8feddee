// Options files end to end: the default per-tool file (and mosquitto's as a fallback) and -o.
#include "e2e.h"

using namespace e2e;

namespace {

/// `argv` run with XDG_CONFIG_HOME set to `folder`.
Args with_config_home(const std::string& folder, const Args& argv)
{
    return with_env(folder, {}, argv);
}

}  // namespace

TEST_CASE("options file: the default file gives host, port and topic, argv adds the rest")
{
    test::Broker broker;
    TempDir config;
    config.write("mqtt-sub", "-h 127.0.0.1\n-p " + broker.port_str() + "\n-v\n");
    config.write("mosquitto_pub",
                 "# a migrating user's mosquitto_pub settings\n-h 127.0.0.1\n-p " + broker.port_str() + "\n-t from/config\n");

    const Args argv = with_config_home(config.path(), command("mqtt-sub", {"-i", "cfg", "-t", "from/#", "-C", "1", "-W", "10"}));
    const test::Result r = run_subscriber(broker, "cfg", argv, [&] {
        const test::Result published = test::run(with_config_home(config.path(), command("mqtt-pub", {"-m", "configured"})));
        CHECK(published.status == 0);
        CHECK(published.err == "");
    });
    check_ended(r, 0, "from/config configured\n");
}

TEST_CASE("options file: -o names the file, a bad line says where it is")
{
    test::Broker broker;
    TempDir dir;
    const std::string good = dir.write("pub.conf", "-h 127.0.0.1\n-p " + broker.port_str() + "\n-t t\n-m hello world\n-r\n");
    const test::Result ok = test::run(command("mqtt-pub", {"-o", good}));
    CHECK(ok.status == 0);
    const test::Result got = test::run(sub(broker, {"-t", "t", "-C", "1", "-W", "10"}));
    CHECK(got.out == "hello world\n");

    const std::string bad = dir.write("bad.conf", "-h 127.0.0.1\n-k 2\n");
    const test::Result r = test::run(command("mqtt-pub", {"-o", bad, "-t", "t", "-n"}));
    CHECK(r.status == 1);
    CHECK(r.err ==
          "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n(in options file \"" + bad +
              "\", line 2: -k \"2\")\nUse 'mqtt-pub --help' to see usage.\n");
}

TEST_CASE("options file: split as mosquitto splits it, two spaces before a port work, errors quote the value")
{
    test::Broker broker;
    TempDir config;
    config.write("mqtt-sub", "-h 127.0.0.1\n-p  " + broker.port_str() + "\n-E \n");
    const test::Result r = test::run(with_config_home(config.path(), command("mqtt-sub", {"-t", "t"})));
    check_ended(r, 0, "");

    config.write("mqtt-pub", "-h 127.0.0.1\n-p " + broker.port_str() + "\n-q 1 \n-q 2 x\n");
    const test::Result bad = test::run(with_config_home(config.path(), command("mqtt-pub", {"-t", "t", "-n"})));
    check_ended(
        bad, 1, "",
        usage_error("mqtt-pub",
                    "Error: Invalid QoS given: 2 x\n(in options file \"" + config.path() + "/mqtt-pub\", line 4: -q \"2 x\")"));
}

TEST_CASE("options file: -o /dev/zero or a 50 MB line ends at once with one line")
{
    TempDir dir;
    const test::Result zero = test::run(command("mqtt-pub", {"-o", "/dev/zero", "-t", "t", "-n"}));
    check_ended(zero, 1, "", usage_error("mqtt-pub", "Error: Line 1 of options file \"/dev/zero\" is longer than 8192 bytes."));
    const std::string huge = dir.write("huge.conf", "-t t\n-p " + std::string(50 * 1024 * 1024, '1') + "\n");
    const test::Result line = test::run(command("mqtt-sub", {"-o", huge}));
    check_ended(line, 1, "",
                usage_error("mqtt-sub", "Error: Line 2 of options file \"" + huge + "\" is longer than 8192 bytes."));
}

TEST_CASE("options file: a default file that cannot be read is skipped, -d says so")
{
    test::Broker broker;
    TempDir config;
    std::filesystem::create_directory(config.path() + "/mqtt-sub");  // exists, cannot be read (also as root)
    const Args argv = sub(broker, {"-t", "t", "-E"});
    check_ended(test::run(with_config_home(config.path(), argv)), 0, "");
    Args debug = argv;
    debug.push_back("-d");
    const test::Result r = test::run(with_config_home(config.path(), debug));
    CHECK(r.status == 0);
    CHECK(first_line(r.err) ==
          "Warning: Unable to read options file \"" + config.path() + "/mqtt-sub\": Is a directory. Going on without it.");
    const test::Result named = test::run(command("mqtt-sub", {"-o", config.path() + "/mqtt-sub", "-t", "t"}));
    check_ended(
        named, 1, "",
        usage_error("mqtt-sub", "Error: Unable to read options file \"" + config.path() + "/mqtt-sub\": Is a directory."));
}
