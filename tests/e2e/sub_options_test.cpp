// mqtt-sub's subscription and filtering options beyond the basics: --retain-as-published,
// --random-filter, --remove-retained (--dry-run, --json); and the connection options --unix and --nodelay.
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
    const test::Result r = test::run(
        command("mqtt-sub",
                {"--unix", "/nonexistent.sock", "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "tcp", "-C", "1", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "retained\n");
}

TEST_CASE("sub options: --retain-as-published keeps the retain flag of live messages (MQTT 5)")
{
    test::Broker broker;
    // --retained-only ends at the first message without the retain flag: a live retained
    // publish keeps its flag only with --retain-as-published.
    test::Child keeps(
        sub(broker, {"-V", "5", "-i", "rap", "--retain-as-published", "--retained-only", "-t", "r", "-v", "-W", "10"}));
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
    test::Child subscriber(
        sub(broker, {"-i", "random", "-q", "1", "-t", "r", "--random-filter", "50", "-C", "1000", "-W", "20"}));
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
    check_ended(removed, 0, "old/1 one\nold/2 two\n");

    const test::Result after = test::run(sub(broker, {"-t", "old/#", "-W", "1"}));
    CHECK(after.status == 27);
    CHECK(after.out == "");
}

namespace {

/// Checks that `out` is one --json record a line, each ending with its `tails` entry (all
/// but the time stamp).
void check_records(const std::string& out, const std::vector<std::string>& tails)
{
    INFO(out);
    const auto records = split_lines(out);
    REQUIRE(records.size() == tails.size());
    for (std::size_t i = 0; i < tails.size(); ++i) {
        CHECK(records[i].starts_with(R"({"tst":")"));
        CHECK(records[i].ends_with(tails[i]));
    }
}

}  // namespace

TEST_CASE("sub options: --remove-retained --dry-run lists the retained messages and clears none")
{
    test::Broker broker;
    TempDir dir;
    const std::string binary("\x00\xff\n", 3);
    publish(broker, {"-r", "-q", "1", "-t", "old/1", "-m", "one"});
    publish(broker, {"-r", "-q", "1", "-t", "old/2", "-f", dir.write("binary", binary)});
    const std::string listed = "old/1 one\nold/2 " + binary + "\n";

    // The normal output; a live message is not listed (it would not be cleared), a retained
    // one that comes later is (--retain-as-published keeps its flag).
    test::Child dry(sub(broker,
                        {"-V", "5", "--retain-as-published", "-i", "dry", "--remove-retained", "--dry-run", "-t", "old/#", "-v",
                         "-C", "3", "-W", "10"}));
    require_subscribed(broker, "dry");
    REQUIRE(dry.wait_for_output(listed.size(), 10s));
    publish(broker, {"-q", "1", "-t", "old/live", "-m", "live"});
    publish(broker, {"-r", "-q", "1", "-t", "old/3", "-m", "three"});
    check_ended(dry.wait(10s), 0, listed + "old/3 three\n");

    // --json: one record a retained message, as mqtt-pub --json replays it.
    const test::Result json =
        test::run(sub(broker, {"--remove-retained", "--dry-run", "--json", "-t", "old/#", "-C", "3", "-W", "10"}));
    CHECK(json.status == 0);
    CHECK(json.err == "");
    check_records(json.out,
                  {R"("topic":"old/1","qos":0,"retain":true,"payloadlen":3,"payload":"one"})",
                   R"("topic":"old/2","qos":0,"retain":true,"payloadlen":3,"payload_base64":"AP8K"})",
                   R"("topic":"old/3","qos":0,"retain":true,"payloadlen":5,"payload":"three"})"});

    // Nothing was cleared: another subscriber still gets all three.
    const test::Result still = test::run(sub(broker, {"-t", "old/#", "-v", "-C", "3", "-W", "10"}));
    check_ended(still, 0, listed + "old/3 three\n");
}

TEST_CASE("sub options: --remove-retained --json prints a record for each message it cleared, which mqtt-pub --json restores")
{
    test::Broker broker;
    TempDir dir;
    publish(broker, {"-r", "-q", "1", "-t", "old/1", "-m", "one"});
    publish(broker, {"-r", "-q", "1", "-t", "old/2", "-f", dir.write("binary", std::string("\x00\xff\n", 3))});

    const test::Result removed = test::run(sub(broker, {"--remove-retained", "--json", "-t", "old/#", "-C", "2", "-W", "10"}));
    CHECK(removed.status == 0);
    CHECK(removed.err == "");
    check_records(removed.out,
                  {R"("topic":"old/1","qos":0,"retain":true,"payloadlen":3,"payload":"one"})",
                   R"("topic":"old/2","qos":0,"retain":true,"payloadlen":3,"payload_base64":"AP8K"})"});

    const test::Result after = test::run(sub(broker, {"-t", "old/#", "-W", "1"}));
    CHECK(after.status == 27);
    CHECK(after.out == "");

    // The records put back what was cleared.
    const test::Result restored = test::run(pub(broker, {"--json", "-q", "1"}), removed.out);
    check_ended(restored, 0, "");
    const test::Result back = test::run(sub(broker, {"-t", "old/#", "-v", "-C", "2", "-W", "10"}));
    check_ended(back, 0, "old/1 one\nold/2 " + std::string("\x00\xff\n", 3) + "\n");
}

TEST_CASE("sub options: --nodelay round trip")
{
    test::Broker broker;
    const Args argv = sub(broker, {"--nodelay", "-i", "nd", "-t", "n", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "nd", argv, [&] { publish(broker, {"--nodelay", "-t", "n", "-m", "fast"}); });
    check_ended(r, 0, "fast\n");
}
