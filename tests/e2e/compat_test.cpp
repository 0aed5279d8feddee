// mosquitto 2.1's newer options and -S: mqtt-sub -w/--watch gives each topic its own line;
// -S looks up DNS SRV records. (--ws: websockets_test.cpp.)
#include "e2e.h"

using namespace e2e;

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
        {"mqtt-rr",
         {"-h", "example.invalid", "-S", "--psk", "0102", "--psk-identity", "me", "-t", "t", "-m", "x"},
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
