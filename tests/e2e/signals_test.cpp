// SIGHUP (a closed terminal, a restarted service) ends the tools in order: buffered output
// is written, DISCONNECT sent, and the documented status returned.
#include "e2e.h"

#include <csignal>
#include <fstream>
#include <iterator>

using namespace e2e;

TEST_CASE("signals: SIGHUP makes mqtt-sub write what it received into a file and end with 0")
{
    test::Broker broker;
    TempDir dir;
    const std::string file = dir.path() + "/out";
    test::Child subscriber(with_stdout_to(file, sub(broker, {"-i", "hup", "-q", "1", "-t", "h", "-v", "-W", "20"})));
    require_subscribed(broker, "hup");
    std::string lines;
    for (int i = 0; i < 500; ++i) lines += "line " + std::to_string(i) + "\n";
    publish(broker, {"-q", "1", "-t", "h", "-l"}, lines);
    REQUIRE(broker.wait_for_log("Sending PUBLISH to hup (d0, q1, r0, m500,"));

    subscriber.signal(SIGHUP);
    const test::Result r = subscriber.wait(10s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(r.err == "");
    std::ifstream in(file, std::ios::binary);
    std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string expected;
    for (int i = 0; i < 500; ++i) expected += "h line " + std::to_string(i) + "\n";
    CHECK(written == expected);
    CHECK(broker.wait_for_log("Received DISCONNECT from hup\n", 5s));
}

TEST_CASE("signals: SIGHUP ends mqtt-pub -l with 11 and its account")
{
    test::Broker broker;
    check_signal_ends_waiting_publisher(broker, {"-i", "hup-pub", "-q", "1", "-t", "l", "-l"}, "Sending PUBACK to hup-pub ",
                                        SIGHUP, "SIGHUP");
}
