// Options from the environment (MQTT_*) and from profiles (--profile), end to end, with the
// precedence of every source: command line > environment > profile > options file > defaults.
#include "e2e.h"

using namespace e2e;

TEST_CASE("environment: each source overrides the ones below it, down to the defaults")
{
    test::Broker broker;
    TempDir config;
    test::Child subscriber(sub(broker, {"-i", "layers", "-t", "#", "-q", "1", "-F", "%t %q", "-C", "5", "-W", "20"}));
    require_subscribed(broker, "layers");

    const std::string file = "-h 127.0.0.1\n-p " + broker.port_str() + "\n-t from/file\n-q 1\n-m layered\n";
    const Args env_topic{"MQTT_TOPIC=from/env"};
    struct Run {
        bool file, profile, env, argv;
    };
    for (const Run run : {Run{true, true, true, true}, Run{true, true, true, false}, Run{true, true, false, false},
                          Run{true, false, false, false}, Run{false, false, false, false}}) {
        std::filesystem::remove(config.path() + "/mqtt-pub");
        if (run.file) config.write("mqtt-pub", file);
        Args args;
        if (run.profile) args = {"--profile", "lab"};
        if (run.argv) args.insert(args.end(), {"-t", "from/argv"});
        if (!run.file) args.insert(args.end(), {"-h", "127.0.0.1", "-p", broker.port_str(), "-t", "defaults", "-m", "x"});
        std::filesystem::create_directories(config.path() + "/mqtt-tools");
        config.write("mqtt-tools/lab", "-t from/profile\n");
        const test::Result r = test::run(with_env(config.path(), run.env ? env_topic : Args{}, command("mqtt-pub", args)));
        INFO("stderr: " << r.err);
        CHECK(r.status == 0);
    }
    const test::Result r = subscriber.wait(20s);
    CHECK(r.status == 0);
    // -q 1 comes from the options file until none is read: then the default QoS 0.
    CHECK(r.out == "from/argv 1\nfrom/env 1\nfrom/profile 1\nfrom/file 1\ndefaults 0\n");
}

TEST_CASE("environment: MQTT_HOST, MQTT_PORT, MQTT_USERNAME and MQTT_PASSWORD, -P overrides")
{
    test::Broker broker(with_account("ci", "s3cret"));
    TempDir config;
    const Args connection{"MQTT_HOST=127.0.0.1", "MQTT_PORT=" + broker.port_str(), "MQTT_USERNAME=ci"};
    Args right = connection;
    right.push_back("MQTT_PASSWORD=s3cret");
    Args wrong = connection;
    wrong.push_back("MQTT_PASSWORD=wrong");

    const Args subscriber =
        with_env(config.path(), right, command("mqtt-sub", {"-i", "envsub", "-t", "t", "-C", "2", "-W", "20"}));
    const test::Result r = run_subscriber(
        broker, "envsub", subscriber,
        [&] {
            const test::Result refused = test::run(with_env(config.path(), wrong, command("mqtt-pub", {"-t", "t", "-m", "no"})));
            CHECK(refused.status == 5);
            CHECK(refused.err == "Connection error: Connection Refused: not authorised.\n");
            for (const auto& [env, argv] : {std::pair{right, Args{"-t", "t", "-m", "from env"}},
                                            std::pair{wrong, Args{"-P", "s3cret", "-t", "t", "-m", "-P wins"}}}) {
                const test::Result p = test::run(with_env(config.path(), env, command("mqtt-pub", argv)));
                INFO("stderr: " << p.err);
                CHECK(p.status == 0);
            }
        },
        20s);
    check_ended(r, 0, "from env\n-P wins\n");
}

TEST_CASE("environment: MQTT_PROFILE picks the profile, flags take 1 or 0")
{
    test::Broker broker;
    TempDir config;
    std::filesystem::create_directories(config.path() + "/mqtt-tools");
    config.write("mqtt-tools/ci",
                 "-h 127.0.0.1\n-p " + broker.port_str() + "\n# mqtt-sub's options are skipped by mqtt-pub\n-v\n");
    const test::Result published = test::run(
        with_env(config.path(), {"MQTT_PROFILE=ci", "MQTT_RETAIN=1"}, command("mqtt-pub", {"-t", "kept", "-m", "retained"})));
    CHECK(published.status == 0);
    CHECK(published.err == "");
    const test::Result r =
        test::run(with_env(config.path(), {"MQTT_PROFILE=ci"}, command("mqtt-sub", {"-t", "kept", "-C", "1", "-W", "10"})));
    CHECK(r.status == 0);
    CHECK(r.out == "kept retained\n");
}

TEST_CASE("environment: a bad value names the variable or the profile's file and line")
{
    TempDir config;
    const test::Result port = test::run(with_env(config.path(), {"MQTT_PORT=abc"}, command("mqtt-pub", {"-t", "t", "-n"})));
    CHECK(port.status == 1);
    CHECK(port.err == usage_error("mqtt-pub", "Error: Invalid port given: abc\n(in environment variable MQTT_PORT)"));
    const test::Result flag = test::run(with_env(config.path(), {"MQTT_VERBOSE=yes please"}, command("mqtt-sub", {"-t", "t"})));
    CHECK(flag.status == 1);
    CHECK(
        flag.err ==
        usage_error("mqtt-sub", "Error: Invalid flag value \"yes please\", use 1 or 0.\n(in environment variable MQTT_VERBOSE)"));

    std::filesystem::create_directories(config.path() + "/mqtt-tools");
    const std::string lab = config.write("mqtt-tools/lab", "-h 127.0.0.1\n-q 3\n");
    const test::Result profile =
        test::run(with_env(config.path(), {}, command("mqtt-pub", {"--profile", "lab", "-t", "t", "-n"})));
    CHECK(profile.status == 1);
    CHECK(profile.err ==
          usage_error("mqtt-pub", "Error: Invalid QoS given: 3\n(in options file \"" + lab + "\", line 2: -q \"3\")"));
    const test::Result missing =
        test::run(with_env(config.path(), {}, command("mqtt-rr", {"--profile", "nope", "-t", "t", "-m", "x"})));
    CHECK(missing.status == 1);
    CHECK(missing.err ==
          usage_error("mqtt-rr", "Error: Unable to open profile \"nope\" (" + config.path() + "/mqtt-tools/nope)."));
}

TEST_CASE("environment: an option given higher up wins without the lower one being read (a Docker link's MQTT_PORT)")
{
    test::Broker broker;
    TempDir config;
    const std::string docker = "MQTT_PORT=tcp://172.17.0.2:1883";
    const Args publish{"-h", "127.0.0.1", "-t", "t", "-n"};
    Args with_port = publish;
    with_port.insert(with_port.end(), {"-p", broker.port_str()});

    // -p on the command line: MQTT_PORT is not parsed.
    const test::Result given = test::run(with_env(config.path(), {docker}, command("mqtt-pub", with_port)));
    INFO("stderr: " << given.err);
    CHECK(given.status == 0);
    CHECK(given.err == "");
    // Without -p it is still the error that names the variable.
    const test::Result alone = test::run(with_env(config.path(), {docker}, command("mqtt-pub", publish)));
    CHECK(alone.status == 1);
    CHECK(alone.err ==
          usage_error("mqtt-pub", "Error: Invalid port given: tcp://172.17.0.2:1883\n(in environment variable MQTT_PORT)"));
    // -L stands for -h and -p; a flag's variable is not read either.
    const test::Result url =
        test::run(with_env(config.path(), {docker, "MQTT_RETAIN=perhaps"},
                           command("mqtt-pub", {"-L", "mqtt://127.0.0.1:" + broker.port_str() + "/t", "-r", "-n"})));
    CHECK(url.status == 0);
    CHECK(url.err == "");

    // The same between the environment and the options file, and the profile and the file.
    const std::string file = config.write("mqtt-pub", "-p tcp://172.17.0.2:1883\n-q 7\n");
    const test::Result env_over_file =
        test::run(with_env(config.path(), {"MQTT_PORT=" + broker.port_str(), "MQTT_QOS=1"}, command("mqtt-pub", publish)));
    CHECK(env_over_file.status == 0);
    CHECK(env_over_file.err == "");
    std::filesystem::create_directories(config.path() + "/mqtt-tools");
    config.write("mqtt-tools/lab", "-p " + broker.port_str() + "\n-q 1\n");
    const test::Result profile_over_file =
        test::run(with_env(config.path(), {}, command("mqtt-pub", {"--profile", "lab", "-h", "127.0.0.1", "-t", "t", "-n"})));
    CHECK(profile_over_file.status == 0);
    CHECK(profile_over_file.err == "");
    // Nothing above it: the file's line is read, and its error names it.
    const test::Result from_file = test::run(with_env(config.path(), {}, command("mqtt-pub", publish)));
    CHECK(from_file.status == 1);
    CHECK(from_file.err ==
          usage_error("mqtt-pub",
                      "Error: Invalid port given: tcp://172.17.0.2:1883\n(in options file \"" + file +
                          "\", line 1: -p \"tcp://172.17.0.2:1883\")"));
}
