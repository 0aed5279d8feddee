// Reconnects: the real broker is restarted on the same port in the middle of a stream, and
// every line is counted at the other end; a broker that stays away ends the job with 7.
#include "e2e.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <sstream>

#include "fake_broker.h"

using namespace e2e;

namespace {

/// A broker that keeps sessions and queued messages across a restart.
test::BrokerConfig persistent(const TempDir& dir)
{
    return with_extra("persistence true\npersistence_location " + dir.path() + "/\n");
}

std::string numbered_lines(int from, int to)
{
    std::string text;
    for (int i = from; i <= to; ++i) text += std::to_string(i) + "\n";
    return text;
}

/// Checks that `out` holds the lines 1..n in order: each line is the next number or (QoS 1
/// after a resend) a repeat of one seen before, never a gap or a step back to a new one.
void require_every_line_in_order(const std::string& out, int n)
{
    std::istringstream lines(out);
    std::string line;
    int highest = 0, repeats = 0;
    while (std::getline(lines, line)) {
        const int value = std::stoi(line);
        if (value <= highest) {
            ++repeats;
            continue;
        }
        if (value != highest + 1) FAIL("line " << highest + 1 << " missing before " << value);
        highest = value;
    }
    MESSAGE("lines received twice (sent again after the restart): " << repeats);
    CHECK(highest == n);
}

/// Streams 1..40000 through mqtt-pub -l at `qos` from a file, restarting the broker while
/// the lines flow (once the subscriber has 1000); the subscriber (a persistent session)
/// must see every line.
void stream_across_restart(const std::string& qos, const Args& pub_extra)
{
    TempDir dir;
    test::Broker broker(persistent(dir));
    TempDir io;
    const std::string input = io.write("lines", numbered_lines(1, 40000));
    const std::string id = "counter-" + qos;
    const auto then = [&](test::Child& subscriber) {
        Args args{"-q", qos, "-t", "l", "-l"};
        args.insert(args.end(), pub_extra.begin(), pub_extra.end());
        test::Child publisher(with_stdin_from(input, pub(broker, args)));

        REQUIRE(subscriber.wait_for_output(numbered_lines(1, 1000).size(), 20s));
        broker.restart();
        CHECK_MESSAGE(subscriber.out_so_far().find("\n40000\n") == std::string::npos, "the stream was over before the restart");

        const test::Result p = publisher.wait(60s);
        INFO("mqtt-pub stderr: " << p.err);
        CHECK_FALSE(p.timed_out);
        CHECK(p.status == 0);
        CHECK(p.err == "");

        const std::string last = "\n40000\n";
        for (auto until = Clock::now() + 30s; Clock::now() < until;) {
            if (subscriber.out_so_far().find(last) != std::string::npos) break;
            subscriber.wait_for_output(subscriber.out_so_far().size() + 1, 1s);
        }
        subscriber.signal(SIGINT);
    };
    const test::Result s = run_subscriber(broker, id, sub(broker, {"-i", id, "-c", "-q", qos, "-t", "l", "-W", "90"}), then);
    INFO("mqtt-sub stderr: " << s.err);
    CHECK(s.status == 0);
    require_every_line_in_order(s.out, 40000);
}

}  // namespace

TEST_CASE("reconnect: mqtt-pub -l at QoS 1 loses no line across a broker restart")
{
    stream_across_restart("1", {});
}

TEST_CASE("reconnect: mqtt-pub -l at QoS 2 loses no line across a broker restart")
{
    // A QoS 2 message whose PUBREC came before the restart completes in the publisher's
    // session, so it must persist too.
    stream_across_restart("2", {"-i", "streamer", "-c"});
}

TEST_CASE("reconnect: mqtt-pub -s at QoS 1 sends the unacknowledged message again after a lost connection")
{
    // The first connection takes the PUBLISH and closes without PUBACK; the second one
    // must receive it again, with DUP set, and acknowledges it.
    std::atomic<int> connections{0};
    std::string first_body, second_body;
    std::atomic<bool> dup{false};
    test::FakeBroker broker([&](test::FakeConnection& client) {
        test::Packet packet;
        if (!test::accept(client) || !client.read(packet) || packet.type != 3) return;
        if (connections++ == 0) {
            first_body = packet.body;
            return;  // closes the connection
        }
        second_body = packet.body;
        dup = (packet.flags & 0x08) != 0;
        client.send(test::Packet{4, 0, packet.body.substr(2 + test::packet_id(packet), 2)});  // PUBACK (3.1.1)
        test::drain(client);
    });
    const test::Result p = test::run(
        {test::tool("mqtt-pub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-q", "1", "-t", "s", "-s"}, "all of it\n");
    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 0);
    CHECK(p.err == "");
    CHECK(connections == 2);
    CHECK(dup);
    CHECK(second_body == first_body);
    CHECK(second_body.find("all of it\n") != std::string::npos);
}

TEST_CASE("reconnect: a broker that stays away ends mqtt-pub and mqtt-sub with 7 after --reconnect-timeout")
{
    test::Broker broker;
    TempDir dir;
    Fifo fifo(dir);
    const std::string gone = "Error: The connection was lost. No new connection within 2 seconds (Connection refused). "
                             "Broker: 127.0.0.1 port " +
        broker.port_str() + " over TCP.\n";
    const auto then = [&](test::Child& subscriber) {
        test::Child publisher(
            with_stdin_from(fifo.path(), pub(broker, {"-q", "1", "-t", "l", "-l", "--reconnect-timeout", "2"})));
        fifo.write("before\n");
        REQUIRE(subscriber.wait_for_output(9, 10s));

        broker.stop();
        const auto start = Clock::now();
        const test::Result p = publisher.wait(15s);
        check_ended(p, 7, "", gone + "Account: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
        CHECK(seconds_since(start) >= 1.5);
    };
    const test::Result s =
        run_subscriber(broker, "gone", sub(broker, {"-i", "gone", "-t", "l", "-v", "--reconnect-timeout", "2"}), then, 15s);
    check_ended(s, 7, "l before\n", gone);
}

TEST_CASE("reconnect: mqtt-sub resubscribes after a broker restart")
{
    test::Broker broker;
    const test::Result s = run_subscriber(broker, "again", sub(broker, {"-i", "again", "-t", "r", "-C", "2", "-W", "60"}),
                                          restart_between(broker, "again"), 20s);
    check_ended(s, 0, "one\ntwo\n");
}

TEST_CASE("reconnect: --reconnect-timeout 0 ends at the first loss, as before")
{
    test::Broker broker;
    const test::Result s = run_subscriber(broker, "once", sub(broker, {"-i", "once", "-t", "r", "--reconnect-timeout", "0"}),
                                          [&] { broker.stop(); });
    check_ended(s, 7, "", "Error: The connection was lost.\n");
}

TEST_CASE("reconnect: QoS 0 messages lost with a connection are counted as dropped, the status is 7")
{
    // The first connection reads nothing until the socket is full, then closes: what
    // libmosquitto still held for it is gone. The second one takes the rest.
    std::atomic<int> connections{0};
    std::atomic<long> received{0};
    test::FakeBroker broker([&](test::FakeConnection& client) {
        if (!test::accept(client)) return;
        if (connections++ == 0) {
            ::poll(nullptr, 0, 1500);
            return;
        }
        test::Packet packet;
        while (client.read(packet) && packet.type != 14) {
            if (packet.type == 3) ++received;
        }
    });
    TempDir dir;
    const std::string line(99, 'x');
    std::string lines;
    for (int i = 0; i < 100000; ++i) lines += line + "\n";
    const std::string input = dir.write("lines", lines);
    const test::Result p = test::run(
        with_stdin_from(input, {test::tool("mqtt-pub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "t", "-l"}), {}, 60s);
    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 7);
    long dropped = 0;
    const std::string first = first_line(p.err);
    REQUIRE(std::sscanf(first.c_str(), "Error: %ld QoS 0 messages were lost with the connection.", &dropped) == 1);
    CHECK(dropped > 0);
    const std::string account = p.err.substr(first.size() + 1);
    CHECK(account ==
          "Account: sent 100000, acknowledged " + std::to_string(100000 - dropped) + ", refused 0, not acknowledged 0, dropped " +
              std::to_string(dropped) + ".\n");
    CHECK(connections == 2);
    CHECK(received > 0);
    CHECK(received < 100000 - dropped);  // what the kernel held for the first connection is gone too
}

TEST_CASE("reconnect: SIGINT and -W still end the tools while they wait to connect again")
{
    test::Broker broker;
    TempDir dir;
    Fifo fifo(dir);
    test::Child interrupted(sub(broker, {"-i", "wait-int", "-t", "r", "-v"}));
    require_subscribed(broker, "wait-int");
    test::Child timed(sub(broker, {"-i", "wait-w", "-t", "r", "-W", "4"}));
    require_subscribed(broker, "wait-w");
    test::Child publisher(with_stdin_from(fifo.path(), pub(broker, {"-i", "wait-pub", "-q", "1", "-t", "r", "-l"})));
    fifo.write("one\n");
    REQUIRE(interrupted.wait_for_output(6, 10s));
    REQUIRE(broker.wait_for_log("Sending PUBACK to wait-pub "));
    broker.stop();
    REQUIRE_FALSE(interrupted.wait_for_output(7, 1s));  // still waiting, reconnecting

    interrupted.signal(SIGINT);
    const test::Result s = interrupted.wait(5s);
    check_ended(s, 0, "r one\n");

    check_interrupted(publisher, SIGTERM, "SIGTERM");

    const test::Result w = timed.wait(10s);
    check_ended(w, 27, "one\n", "Timed out\n");
}
