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
    config.write("mosquitto_pub", "# a migrating user's mosquitto_pub settings\n-h 127.0.0.1\n-p " + broker.port_str() +
                                      "\n-t from/config\n");

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
    CHECK(r.err == "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n(in options file \"" + bad +
                       "\", line 2)\nUse 'mqtt-pub --help' to see usage.\n");
}
