// mqtt-sub's subscription and filtering options beyond the basics: --retain-as-published,
// --random-filter, --remove-retained; and the connection options --unix and --nodelay.
#include "e2e.h"

#include <algorithm>

using namespace e2e;

TEST_CASE("sub options: --unix connects through the broker's unix socket")
{
    TempDir dir;
    const std::string socket = dir.path() + "/broker.sock";
    test::Broker broker(with_extra("listener 0 " + socket + "\n"));

    const Args argv = command("mqtt-sub", {"--unix", socket, "-i", "unix-sub", "-t", "u", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "unix-sub", argv, [&] {
        const test::Result published = test::run(command("mqtt-pub", {"--unix", socket, "-t", "u", "-m", "through the socket"}));
        CHECK(published.status == 0);
        CHECK(published.err == "");
    });
    check_ended(r, 0, "u through the socket\n");
}

TEST_CASE("sub options: a later -p after --unix connects over TCP again")
{
    test::Broker broker;
    publish(broker, {"-r", "-t", "tcp", "-m", "retained"});
    const test::Result r =
        test::run(command("mqtt-sub", {"--unix", "/nonexistent.sock", "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "tcp", "-C", "1", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "retained\n");
}

TEST_CASE("sub options: --retain-as-published keeps the retain flag of live messages (MQTT 5)")
{
    test::Broker broker;
    // --retained-only ends at the first message without the retain flag: a live retained
    // publish keeps its flag only with --retain-as-published.
    test::Child keeps(sub(broker, {"-V", "5", "-i", "rap", "--retain-as-published", "--retained-only", "-t", "r", "-v", "-W", "10"}));
    test::Child drops(sub(broker, {"-V", "5", "-i", "plain", "--retained-only", "-t", "r", "-v", "-W", "10"}));
    require_subscribed(broker, "rap");
    require_subscribed(broker, "plain");
    publish(broker, {"-r", "-q", "1", "-t", "r", "-m", "kept flag"});
    publish(broker, {"-t", "r", "-m", "live"});

    const test::Result with_rap = keeps.wait(10s);
    CHECK(with_rap.status == 0);
    CHECK(with_rap.out == "r kept flag\n");
    const test::Result without = drops.wait(10s);
    CHECK(without.status == 0);
    CHECK(without.out == "");
}

TEST_CASE("sub options: --random-filter prints about the given share and counts every message for -C")
{
    test::Broker broker;
    std::string lines;
    for (int i = 0; i < 1000; ++i) lines += "m\n";
    test::Child subscriber(sub(broker, {"-i", "random", "-q", "1", "-t", "r", "--random-filter", "50", "-C", "1000", "-W", "20"}));
    require_subscribed(broker, "random");
    publish(broker, {"-q", "1", "-t", "r", "-l"}, lines);

    const test::Result r = subscriber.wait(20s);
    CHECK(r.status == 0);  // -C 1000 reached although only about half was printed
    const auto printed = std::count(r.out.begin(), r.out.end(), '\n');
    // Binomial(1000, 0.5): 350..650 is more than 9 standard deviations wide.
    CHECK(printed > 350);
    CHECK(printed < 650);
}

TEST_CASE("sub options: --random-filter out of range is a usage error")
{
    const test::Result r = test::run(command("mqtt-sub", {"-t", "x", "--random-filter", "0.05"}));
    CHECK(r.status == 1);
    CHECK(r.err == usage_error("mqtt-sub", "Error: --random-filter chance must be between 0.1-100.0"));
}

TEST_CASE("sub options: --remove-retained with -C clears the retained messages and ends")
{
    test::Broker broker;
    publish(broker, {"-r", "-q", "1", "-t", "old/1", "-m", "one"});
    publish(broker, {"-r", "-q", "1", "-t", "old/2", "-m", "two"});

    // Upstream never ends here (it waits for acknowledgements it does not handle).
    const test::Result removed = test::run(sub(broker, {"--remove-retained", "-t", "old/#", "-v", "-C", "2", "-W", "10"}));
    CHECK(removed.status == 0);
    CHECK(removed.out == "old/1 one\nold/2 two\n");
    CHECK(removed.err == "");

    const test::Result after = test::run(sub(broker, {"-t", "old/#", "-W", "1"}));
    CHECK(after.status == 27);
    CHECK(after.out == "");
}

TEST_CASE("sub options: --nodelay round trip")
{
    test::Broker broker;
    const Args argv = sub(broker, {"--nodelay", "-i", "nd", "-t", "n", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "nd", argv, [&] { publish(broker, {"--nodelay", "-t", "n", "-m", "fast"}); });
    check_ended(r, 0, "fast\n");
}
