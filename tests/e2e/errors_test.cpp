// Failures as a script sees them: exit statuses and the first stderr line for refused
// connections, nothing listening, a silent server, a lost connection, refused publishes,
// failing output and bad options; --help and --version.
#include "e2e.h"
#include "silent_server.h"

#include <string>

using namespace e2e;

namespace {

const test::BrokerConfig k_with_account = with_account("alice", "s3cret");

/// A usage error: status 1, nothing on stdout, the error line then the hint on stderr.
struct BadOptions {
    const char* tool;
    Args args;
    std::string line;
};

}  // namespace

TEST_CASE("errors: a wrong password is refused with 5 in MQTT 3.1.1")
{
    test::Broker broker(k_with_account);
    const std::string refused = "Connection error: Connection Refused: not authorised.\n";

    const test::Result p = test::run(pub(broker, {"-u", "alice", "-P", "wrong", "-t", "t", "-m", "x"}));
    check_ended(p, 5, "", refused);

    const test::Result s = test::run(sub(broker, {"-u", "alice", "-P", "wrong", "-t", "t", "-W", "10"}));
    check_ended(s, 5, "", refused);
}

TEST_CASE("errors: no credentials on a broker that needs them is refused with 5")
{
    test::Broker broker(k_with_account);
    const test::Result s = test::run(sub(broker, {"-t", "t", "-W", "10"}));
    CHECK(s.status == 5);
    CHECK(s.err == "Connection error: Connection Refused: not authorised.\n");
}

TEST_CASE("errors: a wrong password is refused with 135 in MQTT 5")
{
    test::Broker broker(k_with_account);
    const test::Result p = test::run(pub(broker, {"-V", "5", "-u", "alice", "-P", "wrong", "-t", "t", "-m", "x"}));
    CHECK(p.status == 135);
    CHECK(p.err == "Connection error: Not authorized\n");

    const test::Result s = test::run(sub(broker, {"-V", "5", "-u", "alice", "-P", "wrong", "-t", "t", "-W", "10"}));
    CHECK(s.status == 135);
    CHECK(s.err == "Connection error: Not authorized\n");
}

TEST_CASE("errors: the right password works")
{
    test::Broker broker(k_with_account);
    const Args argv = sub(broker, {"-u", "alice", "-P", "s3cret", "-i", "alice-sub", "-t", "t", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "alice-sub", argv, [&] {
        const test::Result p = test::run(pub(broker, {"-u", "alice", "-P", "s3cret", "-t", "t", "-m", "welcome"}));
        CHECK(p.status == 0);
        CHECK(p.err == "");
    });
    check_ended(r, 0, "welcome\n");
}

TEST_CASE("errors: nothing listening ends with 6 and Connection refused")
{
    std::string port;
    {
        test::Broker broker;
        port = broker.port_str();
        broker.stop();
    }
    const std::string line = "Error: Connection refused (broker 127.0.0.1 port " + port + " over TCP)\n";
    const test::Result p = test::run(command("mqtt-pub", {"-h", "127.0.0.1", "-p", port, "-t", "t", "-m", "x"}));
    check_ended(p, 6, "", line);

    const test::Result s = test::run(command("mqtt-sub", {"-h", "127.0.0.1", "-p", port, "-t", "t", "-W", "10"}));
    check_ended(s, 6, "", line);

    const test::Result r = test::run(command("mqtt-rr", {"-h", "127.0.0.1", "-p", port, "-t", "t", "-m", "x", "-W", "10"}));
    CHECK(r.status == 6);
    CHECK(r.err == line);
}

TEST_CASE("errors: the line names the endpoint wherever the settings came from, escaped")
{
    std::string port;
    {
        test::Broker broker;
        port = broker.port_str();
        broker.stop();
    }
    // From the environment and the options file: the line says which broker it was.
    TempDir config;
    config.write("mqtt-pub", "-h 127.0.0.1\n");
    const test::Result env = test::run(with_env(config.path(), {"MQTT_PORT=" + port}, command("mqtt-pub", {"-t", "t", "-n"})));
    CHECK(env.status == 6);
    CHECK(env.err == "Error: Connection refused (broker 127.0.0.1 port " + port + " over TCP)\n");

    // A lookup error ends a sentence: the endpoint is a sentence of its own.
    const test::Result lookup = test::run(command("mqtt-pub", {"-h", "no-such-host.invalid", "-p", port, "-t", "t", "-n"}));
    CHECK(lookup.status == 6);
    CHECK(lookup.err == "Unable to connect (Lookup error.). Broker: no-such-host.invalid port " + port + " over TCP.\n");
    // A trailing space an options file kept (as mosquitto keeps it) shows, in quotes.
    TempDir spaced;
    spaced.write("mqtt-pub", "-h 127.0.0.1 \n");
    const test::Result trailing =
        test::run(with_env(spaced.path(), {"MQTT_PORT=" + port}, command("mqtt-pub", {"-t", "t", "-n"})));
    CHECK(trailing.status == 6);
    CHECK(trailing.err == "Unable to connect (Lookup error.). Broker: \"127.0.0.1 \" port " + port + " over TCP.\n");
    const test::Result hostile = test::run(command("mqtt-sub", {"-h", "bad\x1b]0;title\x07.invalid", "-t", "t"}));
    CHECK(hostile.status == 6);
    CHECK(hostile.err == "Unable to connect (Lookup error.). Broker: bad\\x1b]0;title\\x07.invalid port 1883 over TCP.\n");

    // A unix socket, and a SOCKS5 proxy that is not there.
    const std::string socket = config.path() + "/no.sock";
    const test::Result unix_socket = test::run(command("mqtt-pub", {"--unix", socket, "-t", "t", "-n"}));
    CHECK(unix_socket.status == 6);
    CHECK(unix_socket.err == "Error: No such file or directory (broker unix socket " + socket + ")\n");
    const test::Result socks =
        test::run(command("mqtt-pub", {"-h", "broker.invalid", "--proxy", "socks5h://127.0.0.1:" + port, "-t", "t", "-n"}));
    CHECK(socks.status == 6);
    CHECK(socks.err ==
          "Error: Connection refused (broker broker.invalid port 1883 over TCP via SOCKS5 proxy 127.0.0.1:" + port + ")\n");
}

TEST_CASE("errors: a server that never answers CONNECT: mqtt-sub -W 1 gives 27, mqtt-pub -k 5 gives 19")
{
    SilentServer server;
    const test::Result s = test::run(command("mqtt-sub", {"-h", "127.0.0.1", "-p", server.port_str(), "-t", "t", "-W", "1"}));
    CHECK_FALSE(s.timed_out);
    CHECK(s.status == 27);
    CHECK(s.err == "Timed out\n");

    const test::Result p =
        test::run(command("mqtt-pub", {"-h", "127.0.0.1", "-p", server.port_str(), "-k", "5", "-t", "t", "-m", "x"}), {}, 15s);
    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 19);
    CHECK(p.err ==
          "Error: The broker did not answer CONNECT within 5 seconds. Broker: 127.0.0.1 port " + server.port_str() +
              " over TCP.\n");
}

TEST_CASE("errors: a publish refused by the broker ends with 8 (MQTT 5, QoS 1 and 2)")
{
    // mosquitto 2.0.11 answers a too large QoS 1/2 PUBLISH with reason 0x95 in MQTT 5.
    test::Broker broker(with_extra("message_size_limit 10"));
    for (const std::string qos : {"1", "2"}) {
        CAPTURE(qos);
        const test::Result p = test::run(pub(broker, {"-V", "5", "-q", qos, "-t", "t", "-m", "twenty bytes payload"}));
        CHECK(p.status == 8);
        CHECK(first_line(p.err) == "Warning: Publish 1 failed: Packet too large.");
        CHECK(p.err ==
              "Warning: Publish 1 failed: Packet too large.\nError: The broker refused 1 of 1 messages.\n"
              "Account: sent 1, acknowledged 0, refused 1, not acknowledged 0.\n");
        CHECK(p.out == "");
    }
    // Within the limit it still works.
    const test::Result ok = test::run(pub(broker, {"-V", "5", "-q", "1", "-t", "t", "-m", "small"}));
    CHECK(ok.status == 0);
    CHECK(ok.err == "");
}

TEST_CASE("errors: with -l a refused message is reported, the others are still published (MQTT 5)")
{
    test::Broker broker(with_extra("message_size_limit 10"));
    const Args argv = sub(broker, {"-V", "5", "-i", "partial", "-t", "t", "-C", "2", "-W", "10"});
    const test::Result r = run_subscriber(broker, "partial", argv, [&] {
        const test::Result p =
            test::run(pub(broker, {"-V", "5", "-q", "1", "-t", "t", "-l"}), "short\nthis line is far too long\nok\n");
        CHECK(p.status == 8);
        CHECK(p.err ==
              "Warning: Publish 2 failed: Packet too large.\nError: The broker refused 1 of 3 messages.\n"
              "Account: sent 3, acknowledged 2, refused 1, not acknowledged 0.\n");
    });
    check_ended(r, 0, "short\nok\n");
}

TEST_CASE("errors: a failing stdout ends mqtt-sub with 1")
{
    test::Broker broker;
    test::Child subscriber(with_stdout_to("/dev/full", sub(broker, {"-i", "full", "-t", "f", "-W", "10"})));
    require_subscribed(broker, "full");
    publish(broker, {"-t", "f", "-m", "nowhere to go"});

    const test::Result r = subscriber.wait(10s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 1);
    CHECK(r.err == "Error: Unable to write to standard output: No space left on device.\n");
}

// The last message's output is written after -C is reached: its failure must still count.
TEST_CASE("errors: a failing stdout ends mqtt-sub -C 1 with 1")
{
    test::Broker broker;
    test::Child subscriber(with_stdout_to("/dev/full", sub(broker, {"-i", "full-c", "-t", "f", "-C", "1", "-W", "10"})));
    require_subscribed(broker, "full-c");
    publish(broker, {"-t", "f", "-m", "nowhere to go"});

    const test::Result r = subscriber.wait(10s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 1);
    CHECK(r.err == "Error: Unable to write to standard output: No space left on device.\n");
}

TEST_CASE("errors: bad options end with 1, the error line and the help hint")
{
    // -h 127.0.0.1 -p 1 first: an option wrongly accepted cannot reach a real broker.
    const std::vector<BadOptions> cases = {
        {"mqtt-pub", {"--bogus"}, "Error: Unknown option '--bogus'."},
        {"mqtt-pub", {"-t", "t", "-m"}, "Error: -m argument given but no message specified."},
        {"mqtt-pub", {"-t", "t", "-V"}, "Error: --protocol-version argument given but no version specified."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "-q", "3"}, "Error: Invalid QoS given: 3"},
        {"mqtt-pub", {"-t", "a/#", "-m", "x"}, "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?"},
        {"mqtt-pub", {"-i", "a", "-I", "b", "-t", "t", "-m", "x"}, "Error: -i and -I argument cannot be used together."},
        {"mqtt-pub", {"-q", "1"}, "Error: Both topic and message must be supplied."},
        {"mqtt-pub", {"-t", "t"}, "Error: Both topic and message must be supplied."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "-n"}, "Error: Only one type of message can be sent at once."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "--repeat", "0"}, "Error: --repeat argument must be >0."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "-p", "70000"}, "Error: Invalid port given: 70000"},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "-k", "2"},
         "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "-P", "pw"}, "Error: Problem setting username and/or password."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "-c"}, "Error: You must provide a client id if you are using the -c option."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "--will-payload", "p"}, "Error: Will payload given, but no will topic given."},
        {"mqtt-pub", {"-t", "t", "-m", "x", "-vd"}, "Error: Unknown option '-vd'."},
        {"mqtt-sub", {"-v"}, "Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U)."},
        {"mqtt-sub", {"-t", "t", "-R", "--retained-only"}, "Error: Combining '-R' and '--retained-only' makes no sense."},
        {"mqtt-sub", {"-t", "a/#/b"}, "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?"},
        {"mqtt-sub", {"-t", "t", "-T", "b/#/c"}, "Error: Invalid filter topic 'b/#/c', are all '+' and '#' wildcards correct?"},
        {"mqtt-sub",
         {"-t", "t", "-U", "u/#/x"},
         "Error: Invalid unsubscribe topic 'u/#/x', are all '+' and '#' wildcards correct?"},
        {"mqtt-sub", {"-t", "t", "-C", "0"}, "Error: Invalid message count \"0\"."},
        {"mqtt-sub", {"-t", "t", "-W", "0"}, "Error: Invalid timeout \"0\"."},
        {"mqtt-sub", {"-t", "t", "-C"}, "Error: -C argument given but no count specified."},
        {"mqtt-sub", {"-t", "t", "-q", "-1"}, "Error: Invalid QoS given: -1"},
        {"mqtt-sub", {"-t", "t", "-V", "6"}, "Error: Invalid protocol version argument given."},
        {"mqtt-sub", {"-t", "t", "-m", "x"}, "Error: Unknown option '-m'."},
    };
    for (const auto& c : cases) {
        Args args{"-h", "127.0.0.1", "-p", "1"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        std::string shown = c.tool;
        for (const auto& a : c.args) shown += " " + a;
        CAPTURE(shown);
        const test::Result r = test::run(command(c.tool, args));
        CHECK(r.status == 1);
        CHECK(first_line(r.err) == c.line);
        CHECK(r.err == usage_error(c.tool, c.line));
        CHECK(r.out == "");
    }
}

TEST_CASE("errors: --help prints the usage on stdout and ends with 0")
{
    for (const std::string name : {"mqtt-pub", "mqtt-sub"}) {
        CAPTURE(name);
        const test::Result r = test::run(command(name, {"--help"}));
        CHECK(r.status == 0);
        CHECK(r.err == "");
        CHECK(r.out.find("Usage: " + name + " [OPTIONS]") != std::string::npos);
        CHECK(r.out.find("--topic") != std::string::npos);
    }
}

TEST_CASE("errors: --version prints the version and the libmosquitto version and ends with 0")
{
    for (const std::string name : {"mqtt-pub", "mqtt-sub"}) {
        CAPTURE(name);
        // Also when other options come after it, as upstream.
        const test::Result r = test::run(command(name, {"--version", "--bogus"}));
        CHECK(r.status == 0);
        CHECK(r.err == "");
        const std::string prefix = name + " version ";
        const std::string suffix = " running on libmosquitto 2.0.11.\n";
        CHECK(r.out.starts_with(prefix));
        CHECK(r.out.ends_with(suffix));
        CHECK(r.out.size() > prefix.size() + suffix.size());
        CHECK(r.out.find('\n') == r.out.size() - 1);
    }
}
