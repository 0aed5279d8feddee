// mqtt-sub --share GROUP: shared subscriptions without the shell eating "$share", and the
// warning for a filter whose "$share" a shell already removed.
#include "e2e.h"

#include <algorithm>
#include <csignal>
#include <set>

using namespace e2e;

namespace {

std::size_t lines_in(const std::string& text)
{
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("share: two mqtt-sub --share in one group split the messages, none twice, none lost")
{
    // Enough queue room that no QoS 1 message is dropped for a slow subscriber.
    test::Broker broker(with_extra("max_queued_messages 10000000\n"));
    constexpr int count = 400;
    test::Child a(sub(broker, {"--share", "workers", "-i", "share-a", "-q", "1", "-t", "jobs/#"}));
    test::Child b(sub(broker, {"-i", "share-b", "-q", "1", "--share", "workers", "-t", "jobs/#"}));
    require_subscribed(broker, "share-a");
    require_subscribed(broker, "share-b");
    // The broker saw the shared filter, not "jobs/#".
    CHECK(broker.log().find("share-a 1 $share/workers/jobs/#") != std::string::npos);

    std::string input;
    for (int i = 1; i <= count; ++i) input += std::to_string(i) + "\n";
    publish(broker, {"-q", "1", "-t", "jobs/new", "-l"}, input);

    // Wait (bounded) until the two have printed as many lines as were sent.
    wait_until([&] { return lines_in(a.out_so_far()) + lines_in(b.out_so_far()) >= static_cast<std::size_t>(count); }, 60s);
    a.signal(SIGINT);
    b.signal(SIGINT);
    const test::Result ra = a.wait(10s);
    const test::Result rb = b.wait(10s);
    check_ended(ra, 0, ra.out);
    check_ended(rb, 0, rb.out);

    const auto got_a = split_lines(ra.out);
    const auto got_b = split_lines(rb.out);
    CHECK(got_a.size() + got_b.size() == count);
    // The broker takes turns: each member gets a part.
    CHECK(got_a.size() > 0);
    CHECK(got_b.size() > 0);
    std::set<std::string> all(got_a.begin(), got_a.end());
    for (const auto& line : got_b) CHECK_MESSAGE(all.insert(line).second, "received by both: " << line);
    std::set<std::string> sent;
    for (int i = 1; i <= count; ++i) sent.insert(std::to_string(i));
    CHECK(all == sent);
}

TEST_CASE("share: -U with --share unsubscribes the shared filter, and a filter given as $share/... goes as it is")
{
    test::Broker broker;
    const test::Result r = test::run(sub(broker, {"-i", "share-u", "--share", "g", "-t", "x", "-U", "y", "-E", "-W", "10"}));
    check_ended(r, 0, "");
    CHECK(broker.wait_for_log("share-u 0 $share/g/x\n"));
    CHECK(broker.wait_for_log("share-u $share/g/y\n"));

    // Without --share, a quoted $share filter goes to the broker unchanged, as mosquitto_sub's.
    const test::Result quoted = test::run(sub(broker, {"-i", "share-q", "-t", "$share/h/z", "-E", "-W", "10"}));
    check_ended(quoted, 0, "");
    CHECK(broker.wait_for_log("share-q 0 $share/h/z\n"));
}

TEST_CASE("share: a filter shaped /GROUP/... warns once on stderr with the quoting to use, and still runs")
{
    test::Broker broker;
    // What `mqtt-sub -t "$share/g/x" -t $share/g/y` becomes once the shell expanded $share.
    const test::Result r = test::run(sub(broker, {"-i", "share-w", "-t", "/g/x", "-t", "/g/y", "-E", "-W", "10"}));
    check_ended(r, 0, "",
                "Warning: -t '/g/x' looks like a shared subscription whose $share the shell removed; "
                "if so, quote it: -t '$share/g/x'\n");
    CHECK(broker.wait_for_log("share-w 0 /g/x\n"));

    const test::Result u = test::run(sub(broker, {"-U", "/g/it's", "-E", "-W", "10"}));
    check_ended(u, 0, "",
                "Warning: -U '/g/it'\\''s' looks like a shared subscription whose $share the shell removed; "
                "if so, quote it: -U '$share/g/it'\\''s'\n");

    // --quiet keeps it quiet; other shapes never warn.
    check_ended(test::run(sub(broker, {"--quiet", "-t", "/g/x", "-E", "-W", "10"})), 0, "");
    check_ended(test::run(sub(broker, {"-t", "/x", "-t", "/+/x", "-t", "g/x", "-t", "/g/", "-E", "-W", "10"})), 0, "");
}

TEST_CASE("share: bad groups and a filter shared twice are usage errors")
{
    struct Case {
        Args args;
        std::string line;
    };
    const Case cases[] = {
        {{"--share", "", "-t", "x"}, "Error: Invalid share group '', it must not be empty."},
        {{"--share", "a/b", "-t", "x"}, "Error: Invalid share group 'a/b', it must not contain '/', '+' or '#'."},
        {{"--share", "a+", "-t", "x"}, "Error: Invalid share group 'a+', it must not contain '/', '+' or '#'."},
        {{"--share", "#", "-t", "x"}, "Error: Invalid share group '#', it must not contain '/', '+' or '#'."},
        {{"--share", "g", "-t", "$share/h/x"},
         "Error: --share cannot be used with -t '$share/h/x', a shared subscription already."},
        {{"-U", "$share/h/x", "--share", "g"},
         "Error: --share cannot be used with -U '$share/h/x', a shared subscription already."},
        {{"--share"}, "Error: --share argument given but no group specified."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        const test::Result r = test::run(command("mqtt-sub", c.args));
        check_ended(r, 1, "", usage_error("mqtt-sub", c.line));
    }
}
