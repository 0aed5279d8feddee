// One end-to-end case per row of the exit table that the other files do not cover: a
// publish the broker's ACL refuses, a DISCONNECT from the broker, a session taken over,
// -W for mqtt-pub (timeout and incomplete delivery) and --connect-timeout. A real
// mosquitto where it can produce the packet, the scripted fake broker where it cannot.
#include "e2e.h"

#include "fake_broker.h"

#include <atomic>

using namespace e2e;

namespace {

Args fake(const test::FakeBroker& broker, const std::string& tool, const Args& args)
{
    Args argv{test::tool(tool), "-h", "127.0.0.1", "-p", broker.port_str()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// Accepts the connection and acknowledges (MQTT 5 PUBACK) the first `acks` QoS 1
/// publishes, never the others.
test::FakeBroker::Script acknowledging(int acks)
{
    return [acks](test::FakeConnection& client) {
        test::Packet packet;
        if (!test::accept(client)) return;
        int acked = 0;
        while (client.read(packet) && packet.type != 14) {
            if (packet.type == 3 && acked < acks) {
                client.send(test::ack(4, test::publish_id(packet), 0));
                ++acked;
            }
        }
    };
}

}  // namespace

TEST_CASE("exit table: a publish the broker's ACL denies ends with 8 and the reason (MQTT 5, QoS 1 and 2)")
{
    TempDir dir;
    const std::string acl = dir.write("acl", "topic readwrite open/#\n");
    test::Broker broker(with_extra("acl_file " + acl));
    for (const std::string qos : {"1", "2"}) {
        CAPTURE(qos);
        const test::Result p = test::run(pub(broker, {"-V", "5", "-q", qos, "-t", "closed/door", "-m", "x"}));
        check_ended(p, 8, "",
                    "Warning: Publish 1 failed: Not authorized.\n"
                    "Error: The broker refused 1 of 1 messages.\n"
                    "Account: sent 1, acknowledged 0, refused 1, not acknowledged 0.\n");
    }
    const test::Result ok = test::run(pub(broker, {"-V", "5", "-q", "1", "-t", "open/door", "-m", "x"}));
    CHECK(ok.status == 0);
    CHECK(ok.err == "");
}

TEST_CASE("exit table: a refusal's reason string is on the warning line (MQTT 5)")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!test::accept(client)) return;
        if (!client.read(packet) || packet.type != 3) return;
        client.send(test::ack(4, test::publish_id(packet), 0x97, "over the daily limit"));
        test::drain(client);
    });
    const test::Result p = test::run(fake(broker, "mqtt-pub", {"-V", "5", "-q", "1", "-t", "t", "-m", "x"}));
    CHECK(p.status == 8);
    CHECK(p.err ==
          "Warning: Publish 1 failed: Quota exceeded (over the daily limit).\n"
          "Error: The broker refused 1 of 1 messages.\n"
          "Account: sent 1, acknowledged 0, refused 1, not acknowledged 0.\n");
}

TEST_CASE("hostile peers: a PUBACK whose reason string holds control bytes is a malformed packet: status 7, no byte of it shown")
{
    // libmosquitto 2.0.11 refuses control characters in MQTT strings (malformed UTF-8) and
    // drops the connection: such a reason string never reaches the terminal, and no new
    // connection is tried for a broker that sends malformed packets.
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!test::accept(client)) return;
        if (!client.read(packet) || packet.type != 3) return;
        client.send(test::ack(4, test::publish_id(packet), 0x97, "\x1b]0;pwned\x07\nError: forged line"));
        test::drain(client);
    });
    const test::Result p = test::run(fake(broker, "mqtt-pub", {"-V", "5", "-q", "1", "-t", "t", "-m", "x"}));
    CHECK(p.status == 7);
    CHECK(p.err ==
          "Error: The broker sent a malformed packet.\n"
          "Account: sent 1, acknowledged 0, refused 0, not acknowledged 1.\n");
}

TEST_CASE("exit table: --quiet silences the refusal and the account, the status stays 8")
{
    test::Broker broker(with_extra("message_size_limit 10"));
    const test::Result p = test::run(pub(broker, {"-V", "5", "-q", "1", "-t", "t", "--quiet", "-m", "twenty bytes payload"}));
    CHECK(p.status == 8);
    CHECK(p.err == "");
}

TEST_CASE("exit table: a DISCONNECT from the broker ends mqtt-pub with 10 and its reason")
{
    // libmosquitto 2.0.11 frees a DISCONNECT's properties before its callback: the reason
    // string never reaches the tool.
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!test::accept(client)) return;
        if (!client.read(packet) || packet.type != 3) return;
        client.send(test::disconnect(client.protocol, 0x97));
        test::drain(client);
    });
    const test::Result p = test::run(fake(broker, "mqtt-pub", {"-V", "5", "-q", "1", "-t", "t", "-m", "x"}));
    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 10);
    CHECK(p.err ==
          "Error: The broker ended the connection: Quota exceeded.\n"
          "Account: sent 1, acknowledged 0, refused 0, not acknowledged 1.\n");
}

TEST_CASE("exit table: a DISCONNECT from the broker ends mqtt-sub with 10 after what it printed")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send(test::Packet{3, 0, std::string("\0\1t\0hello", 9)});  // QoS 0 "hello" on t
        client.send(test::disconnect(client.protocol, 0x8B));
        test::drain(client);
    });
    const test::Result s = test::run(fake(broker, "mqtt-sub", {"-V", "5", "-t", "t", "-v", "-W", "10"}));
    check_ended(s, 10, "t hello\n", "Error: The broker ended the connection: Server shutting down.\n");
}

TEST_CASE("exit table: a session taken over by another client with the same id ends one mqtt-sub with 14, no fight")
{
    // mosquitto 2.0.11 closes the first connection without a DISCONNECT (MQTT 3.1.1 and 5).
    for (const std::string version : {"311", "5"}) {
        CAPTURE(version);
        test::Broker broker;
        test::Child first(sub(broker, {"-V", version, "-i", "twin", "-t", "t", "-W", "30"}));
        require_subscribed(broker, "twin");
        test::Child second(sub(broker, {"-V", version, "-i", "twin", "-t", "t", "-C", "1", "-W", "30"}));
        const test::Result r = first.wait(15s);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 14);
        CHECK(r.err ==
              "Error: Session taken over: another client connected with the client id 'twin' "
              "(the broker closed the connection again at once).\n");
        // The other one keeps the session and gets the next message.
        REQUIRE(broker.wait_for_log("Sending SUBACK to twin\n"));
        publish(broker, {"-t", "t", "-m", "kept"});
        const test::Result s = second.wait(15s);
        check_ended(s, 0, "kept\n");
    }
}

TEST_CASE("exit table: an MQTT 5 DISCONNECT 'session taken over' ends with 14 at once")
{
    std::atomic<int> connections{0};
    test::FakeBroker broker([&](test::FakeConnection& client) {
        ++connections;
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send(test::disconnect(client.protocol, 0x8E));
        test::drain(client);
    });
    const test::Result s = test::run(fake(broker, "mqtt-sub", {"-V", "5", "-i", "twin", "-t", "t", "-W", "10"}));
    CHECK(s.status == 14);
    CHECK(s.err == "Error: Session taken over: another client connected with the client id 'twin'.\n");
    CHECK(connections == 1);  // no reconnect to take the session back
}

TEST_CASE("exit table: mqtt-pub -W with messages never acknowledged ends with 13 and the account")
{
    test::FakeBroker broker(acknowledging(1));
    const auto start = Clock::now();
    const test::Result p =
        test::run(fake(broker, "mqtt-pub", {"-V", "5", "-q", "1", "-t", "t", "-l", "-W", "2"}), "one\ntwo\n", 15s);
    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 13);
    CHECK(p.err ==
          "Error: 1 of 2 messages were not acknowledged within 2 seconds.\n"
          "Account: sent 2, acknowledged 1, refused 0, not acknowledged 1.\n");
    CHECK(seconds_since(start) >= 1.9);
}

TEST_CASE("exit table: mqtt-pub -W with input still open ends with 27")
{
    test::Broker broker;
    TempDir dir;
    Fifo fifo(dir);
    test::Child subscriber(sub(broker, {"-i", "pub-w", "-t", "l", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "pub-w");
    test::Child publisher(with_stdin_from(fifo.path(), pub(broker, {"-q", "1", "-t", "l", "-l", "-W", "2"})));
    fifo.write("sent\n");
    CHECK(subscriber.wait(10s).out == "sent\n");
    const test::Result p = publisher.wait(10s);
    CHECK_FALSE(p.timed_out);
    CHECK(p.status == 27);
    CHECK(p.err == "Timed out\nAccount: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n");
}

TEST_CASE("exit table: mqtt-pub -W is a usage error without a valid number")
{
    const test::Result r = test::run(command("mqtt-pub", {"-t", "t", "-m", "x", "-W", "0"}));
    CHECK(r.status == 1);
    CHECK(r.err == usage_error("mqtt-pub", "Error: Invalid timeout \"0\"."));
}

TEST_CASE("exit table: --connect-timeout bounds the wait for CONNACK: 19")
{
    test::FakeBroker broker([](test::FakeConnection& client) { test::drain(client); });
    const std::vector<std::pair<std::string, Args>> jobs = {
        {"mqtt-pub", {"-t", "t", "-m", "x"}}, {"mqtt-sub", {"-t", "t"}}, {"mqtt-rr", {"-t", "t", "-e", "r", "-m", "x"}}};
    for (const auto& [tool, job] : jobs) {
        CAPTURE(tool);
        Args args{"--connect-timeout", "2"};
        args.insert(args.end(), job.begin(), job.end());
        const auto start = Clock::now();
        const test::Result r = test::run(fake(broker, tool, args), {}, 15s);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 19);
        CHECK(r.err ==
              "Error: The broker did not answer CONNECT within 2 seconds. Broker: 127.0.0.1 port " + broker.port_str() +
                  " over TCP.\n");
        CHECK(seconds_since(start) >= 1.9);
        CHECK(seconds_since(start) < 12);
    }
}

TEST_CASE("exit table: a DISCONNECT from the broker while mqtt-rr waits for the response ends with 10")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        if (!client.read(packet) || packet.type != 3) return;
        client.send(test::disconnect(client.protocol, 0x89));
        test::drain(client);
    });
    const test::Result r = test::run(fake(broker, "mqtt-rr", {"-t", "q", "-m", "x", "-W", "10"}));
    check_ended(r, 10, "", "Error: The broker ended the connection: Server busy.\n");
}
