// mosquitto 2.1's newer options and -S: --ws (and -L ws://, wss://) is taken and refused
// with one line; mqtt-sub -w/--watch gives each topic its own line; -S looks up DNS SRV records.
#include "e2e.h"

using namespace e2e;

TEST_CASE("compat: --ws and -L ws:// are refused with one line and status 1, before connecting")
{
    test::Broker broker;
    const std::string line =
        "Error: WebSockets (--ws, ws:// and wss:// URLs) are not supported: "
        "Debian's libmosquitto 2.0.11 has no WebSocket client.\n";
    const std::vector<Args> commands = {
        pub(broker, {"--ws", "-t", "t", "-m", "x"}),
        sub(broker, {"--ws", "-t", "t", "-W", "2"}),
        rr(broker, {"--ws", "-t", "t", "-m", "x", "-W", "2"}),
        command("mqtt-pub", {"-L", "ws://127.0.0.1:" + broker.port_str() + "/t", "-m", "x"}),
        command("mqtt-sub", {"-L", "wss://127.0.0.1:" + broker.port_str() + "/t", "-W", "2"}),
    };
    for (const auto& argv : commands) {
        CAPTURE(argv.front());
        const test::Result r = test::run(argv);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 1);
        CHECK(r.out.empty());
        CHECK(r.err == line);
    }
    CHECK(broker.log().find("New client connected") == std::string::npos);
}

TEST_CASE("compat: mqtt-sub -w puts each topic's latest message on its own terminal line")
{
    test::Broker broker;
    test::Child subscriber(sub(broker, {"-i", "watcher", "-w", "-v", "-t", "room/#", "-C", "3", "-W", "10"}));
    require_subscribed(broker, "watcher");
    publish(broker, {"-t", "room/a", "-m", "21.5"});
    publish(broker, {"-t", "room/b", "-m", "on"});
    publish(broker, {"-t", "room/a", "-m", "9"});

    const test::Result r = subscriber.wait(10s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(r.err == "");
    CHECK(r.out ==
          "\x1b[2J\x1b[1;1H"
          "Broker: 127.0.0.1\n"
          "\x1b[2;1H\x1b[2K"
          "room/a 21.5"
          "\x1b[3;1H"
          "\x1b[3;1H\x1b[2K"
          "room/b on"
          "\x1b[4;1H"
          "\x1b[2;1H\x1b[2K"
          "room/a 9"
          "\x1b[4;1H");
}

TEST_CASE("compat: -w is mqtt-sub's only")
{
    for (const char* tool : {"mqtt-pub", "mqtt-rr"}) {
        CAPTURE(tool);
        const test::Result r = test::run(command(tool, {"-w", "-t", "t", "-m", "x"}));
        CHECK(r.status == 1);
        CHECK(r.err == usage_error(tool, "Error: Unknown option '-w'."));
    }
}

TEST_CASE("compat: -S with a domain that has no SRV records ends with status 6 and one line")
{
    // No DNS server can be relied on here: a name under .invalid never resolves, whether
    // the resolver answers "no such name" or cannot be reached at all.
    struct Case {
        const char* tool;
        Args args;
        std::string name;
    };
    const Case cases[] = {
        {"mqtt-pub", {"-S", "-h", "example.invalid", "-t", "t", "-m", "x"}, "_mqtt._tcp.example.invalid"},
        {"mqtt-sub", {"-S", "-h", "example.invalid", "-t", "t", "-W", "20"}, "_mqtt._tcp.example.invalid"},
        {"mqtt-rr", {"-h", "example.invalid", "-S", "--psk", "0102", "--psk-identity", "me", "-t", "t", "-m", "x"},
         "_secure-mqtt._tcp.example.invalid"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.tool);
        const test::Result r = test::run(command(c.tool, c.args));
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 6);
        CHECK(r.out.empty());
        const std::string prefix = "Error: DNS SRV lookup of " + c.name + " failed: ";
        CHECK(r.err.compare(0, prefix.size(), prefix) == 0);
        CHECK(r.err.find('\n') == r.err.size() - 1);
    }
}
