// Hostile input: topics MQTT cannot carry, NUL bytes, payloads beyond MQTT's limit, and a
// broker that closes the connection in the middle of a packet. A clear line and a
// documented status each time; nothing crashes, hangs or is lost silently.
#include "e2e.h"

#include "fake_broker.h"

#include <atomic>
#include <thread>

using namespace e2e;

TEST_CASE("hostile: topics MQTT cannot carry are usage errors with one clear line")
{
    const std::string overlong(65536, 'a');
    struct Case {
        std::string tool;
        Args args;
        std::string line;
    };
    const Case cases[] = {
        {"mqtt-pub", {"-t", overlong, "-m", "x"}, "Error: Topic too long in -t argument (65536 bytes, at most 65535)."},
        {"mqtt-sub", {"-t", overlong}, "Error: Topic too long in -t argument (65536 bytes, at most 65535)."},
        {"mqtt-pub", {"-t", "a\xff", "-m", "x"}, "Error: Malformed UTF-8 in -t argument."},
        {"mqtt-sub", {"-t", "caf\xc3"}, "Error: Malformed UTF-8 in -t argument."},
        {"mqtt-pub",
         {"-t",
          "a\x01"
          "b",
          "-m", "x"},
         "Error: Malformed UTF-8 in -t argument."},
        {"mqtt-pub", {"-t", "a/+", "-m", "x"}, "Error: Invalid publish topic 'a/+', does it contain '+' or '#'?"},
        {"mqtt-pub", {"-t", "a/#", "-m", "x"}, "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?"},
        {"mqtt-pub",
         {"-L", "mqtt://localhost/a/+", "-m", "x"},
         "Error: Invalid publish topic 'a/+', does it contain '+' or '#'?"},
        {"mqtt-pub",
         {"-t", "t", "-m", "x", "--will-topic", "w/#"},
         "Error: Invalid will topic 'w/#', does it contain '+' or '#'?"},
        {"mqtt-sub", {"-t", "a/#/b"}, "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?"},
        {"mqtt-rr", {"-t", "q/+", "-e", "r", "-m", "x"}, "Error: Invalid publish topic 'q/+', does it contain '+' or '#'?"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        const test::Result r = test::run(command(c.tool, c.args), {}, 10s);
        check_ended(r, 1, "", usage_error(c.tool, c.line));
    }
}

TEST_CASE("hostile: NUL bytes in -l lines arrive byte for byte (QoS 1)")
{
    test::Broker broker;
    const std::string input("\0\nmid\0dle\n\0\0\0\n", 14);
    const Args argv = sub(broker, {"-i", "nul", "-q", "1", "-t", "n", "-C", "3", "-W", "10"});
    const test::Result r = run_subscriber(broker, "nul", argv, [&] { publish(broker, {"-q", "1", "-t", "n", "-l"}, input); });
    check_ended(r, 0, input);
}

TEST_CASE("hostile: a file beyond MQTT's largest payload ends with 1 before connecting")
{
    TempDir dir;
    const std::string path = dir.path() + "/huge";
    {
        std::ofstream out(path, std::ios::binary);
    }
    std::filesystem::resize_file(path, 268435456);  // sparse: 256 MiB of nothing on disk
    const test::Result r = test::run(command("mqtt-pub", {"-p", "1", "-t", "t", "-f", path}), {}, 30s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 1);
    CHECK(r.err == "Error: Message length must be less than 268435455 bytes.\n");
}

TEST_CASE("hostile: a broker that closes in the middle of the CONNACK ends mqtt-pub with 7")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!client.read(packet) || packet.type != 1) return;
        client.send_raw(std::string("\x20\x02\x00", 3));  // CONNACK of 2 bytes, 1 sent
    });
    const test::Result r =
        test::run({test::tool("mqtt-pub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "t", "-m", "x"}, {}, 15s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 7);
    CHECK(r.err ==
          "Error: The connection was closed before the broker answered CONNECT. Broker: 127.0.0.1 port " + broker.port_str() +
              " over TCP.\n");
}

TEST_CASE("hostile: a broker that closes in the middle of every PUBLISH: mqtt-sub prints nothing, ends with 7")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send_raw(std::string("\x30\x64\x00\x01t half", 9));  // says 100 bytes, sends 7
    });
    const auto start = Clock::now();
    const test::Result r = test::run(
        {test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "t", "--reconnect-timeout", "2"}, {}, 20s);
    check_ended(r, 7, "",
                "Error: The connection was lost. No new connection within 2 seconds. Broker: 127.0.0.1 port " +
                    broker.port_str() + " over TCP.\n");
    CHECK(seconds_since(start) < 15);
    CHECK(broker.served() >= 2);  // it did try again
}

TEST_CASE("hostile: after a lost connection, a broker that never answers CONNECT is tried again until --reconnect-timeout")
{
    std::atomic<int> connections{0};
    test::FakeBroker broker([&](test::FakeConnection& client) {
        if (connections++ == 0) {
            if (test::accept(client)) test::grant_subscription(client);
            return;  // closes: the connection is lost
        }
        test::drain(client);  // reads CONNECT, never answers
    });
    const auto start = Clock::now();
    const test::Result r = test::run({test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "t",
                                      "--connect-timeout", "1", "--reconnect-timeout", "4"},
                                     {}, 30s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 7);
    CHECK(r.err ==
          "Error: The connection was lost. No new connection within 4 seconds. Broker: 127.0.0.1 port " + broker.port_str() +
              " over TCP.\n");
    CHECK(seconds_since(start) >= 3.5);
    CHECK(seconds_since(start) < 25);
    CHECK(connections >= 3);
}

TEST_CASE("hostile: an unknown MQTT 5 property id in CONNACK ends with 7 and one line, no abort (was SIGABRT, 134)")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!client.read(packet) || packet.type != 1) return;
        client.send_raw(std::string("\x20\x05\x00\x00\x02\x7f\x00", 7));  // property 0x7f does not exist
        test::drain(client);
    });
    for (const char* tool : {"mqtt-pub", "mqtt-sub", "mqtt-rr"}) {
        CAPTURE(tool);
        Args argv{test::tool(tool), "-h", "127.0.0.1", "-p", broker.port_str(), "-V", "5", "-t", "t"};
        if (std::string(tool) == "mqtt-pub") argv.insert(argv.end(), {"-m", "x"});
        if (std::string(tool) == "mqtt-rr") argv.insert(argv.end(), {"-e", "r", "-m", "x"});
        const test::Result r = test::run(argv, {}, 20s);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 7);
        CHECK(r.out == "");
        // Before CONNACK, so the line names the broker.
        CHECK(r.err == "Error: The broker sent a malformed packet. Broker: 127.0.0.1 port " + broker.port_str() + " over TCP.\n");
    }
}

TEST_CASE("hostile: an unknown property id in a PUBLISH: what came before is printed, then 7 and one line")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send_raw(std::string("\x30\x05\x00\x01t\x00"
                                    "a",
                                    7));  // "a", no properties
        client.send_raw(std::string("\x30\x07\x00\x01t\x02\x7f\x00"
                                    "b",
                                    9));  // property 0x7f
        test::drain(client);
    });
    const test::Result r = test::run(
        {test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-V", "5", "-t", "t", "-W", "10"}, {}, 20s);
    check_ended(r, 7, "a\n", "Error: The broker sent a malformed packet.\n");
}

namespace {

/// An MQTT 5 PUBLISH of `payload` on "t" (no properties).
std::string publish_v5(const std::string& payload)
{
    const std::string body = std::string("\x00\x01t\x00", 4) + payload;
    std::string bytes(1, '\x30');
    for (std::size_t left = body.size();;) {
        const auto digit = static_cast<char>(left % 128);
        left /= 128;
        bytes += left > 0 ? static_cast<char>(digit | 0x80) : digit;
        if (left == 0) break;
    }
    return bytes + body;
}

/// What a fake broker saw of the client after it sent a packet above the client's limit.
struct LimitSeen {
    std::atomic<std::size_t> body_sent{0};   ///< bytes of the large packet's body the client took
    std::atomic<int> disconnect_reason{-1};  ///< the reason code of the client's DISCONNECT
};

/// Sends the header of a PUBLISH of 64 MiB (67108869 bytes in all), then its body 1 MiB at
/// a time as long as the client takes it, reading the client's DISCONNECT meanwhile (once
/// the client is gone, the reset of its connection may drop what it sent last).
void send_huge_publish(test::FakeConnection& client, LimitSeen& seen)
{
    std::thread reader([&] {
        test::Packet packet;
        while (client.read(packet)) {
            if (packet.type == 14) {
                seen.disconnect_reason = packet.body.empty() ? 0 : static_cast<unsigned char>(packet.body[0]);
                break;
            }
        }
    });
    client.send_raw(std::string("\x30\x80\x80\x80\x20\x00\x01t\x00", 9));  // remaining length 64 MiB
    const std::string chunk(1 << 20, 'x');
    for (std::size_t sent = 4; sent < (64u << 20); sent += chunk.size()) {
        if (!client.send_raw(chunk)) break;
        seen.body_sent += chunk.size();
    }
    reader.join();
}

}  // namespace

TEST_CASE("hostile: -D connect maximum-packet-size: a larger PUBLISH ends mqtt-sub with 7 and one line, never read (was "
          "read whole: 266 MB)")
{
    LimitSeen seen;
    test::FakeBroker broker([&](test::FakeConnection& client) {
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send_raw(publish_v5("a"));
        send_huge_publish(client, seen);
    });
    const Measured run = run_measured({test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-V", "5", "-D",
                                       "connect", "maximum-packet-size", "1000", "-t", "t", "-W", "60"});
    // The same tool refusing a packet one byte too large: its peak is what the build costs
    // (about 4 MiB, but 52 MiB with AddressSanitizer), so the bound below holds in both.
    test::FakeBroker small([&](test::FakeConnection& client) {
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send_raw(publish_v5("a") + publish_v5(std::string(994, 'c')));
        test::drain(client);
    });
    const Measured base = run_measured({test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", small.port_str(), "-V", "5", "-D",
                                        "connect", "maximum-packet-size", "1000", "-t", "t", "-W", "60"});
    REQUIRE(base.result.status == 7);
    const test::Result& r = run.result;
    INFO("peak RSS: " << run.peak_kib << " KiB (" << base.peak_kib
                      << " KiB refusing a small packet), body bytes taken: " << seen.body_sent);
    check_ended(r, 7, "a\n", "Error: The broker sent a packet of 67108869 bytes, above -D connect maximum-packet-size 1000.\n");
    CHECK(base.peak_kib > 0);
    CHECK(run.peak_kib < base.peak_kib + 16 * 1024);
    CHECK(seen.body_sent < (32u << 20));
    CHECK(seen.disconnect_reason == 0x95);  // packet too large
}

TEST_CASE("hostile: -D connect maximum-packet-size: a packet of exactly that size passes, one byte more ends with 7")
{
    const std::string at_limit = publish_v5(std::string(993, 'b'));  // 1 + 2 + 4 + 993 = 1000 bytes
    const std::string above = publish_v5(std::string(994, 'c'));
    REQUIRE(at_limit.size() == 1000);
    test::FakeBroker broker([&](test::FakeConnection& client) {
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send_raw(at_limit + above);
        test::drain(client);
    });
    const test::Result r = test::run({test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-V", "5", "-D",
                                      "connect", "maximum-packet-size", "1000", "-t", "t", "-W", "30"},
                                     {}, 40s);
    check_ended(r, 7, std::string(993, 'b') + "\n",
                "Error: The broker sent a packet of 1001 bytes, above -D connect maximum-packet-size 1000.\n");
}

TEST_CASE("hostile: -D connect maximum-packet-size holds mqtt-pub and mqtt-rr to it too: a CONNACK above it ends with 7")
{
    test::FakeBroker broker([](test::FakeConnection& client) {
        test::Packet packet;
        if (!client.read(packet) || packet.type != 1) return;
        client.send(test::connack(5, 0));  // 5 bytes
        test::drain(client);
    });
    for (const char* tool : {"mqtt-pub", "mqtt-rr"}) {
        CAPTURE(tool);
        Args argv{test::tool(tool),
                  "-h",
                  "127.0.0.1",
                  "-p",
                  broker.port_str(),
                  "-V",
                  "5",
                  "-D",
                  "connect",
                  "maximum-packet-size",
                  "4",
                  "-t",
                  "t",
                  "-m",
                  "x"};
        if (std::string(tool) == "mqtt-rr") argv.insert(argv.end(), {"-e", "r"});
        const test::Result r = test::run(argv, {}, 30s);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 7);
        CHECK(r.out == "");
        // Before CONNACK, so the line names the broker.
        CHECK(r.err ==
              "Error: The broker sent a packet of 5 bytes, above -D connect maximum-packet-size 4. Broker: "
              "127.0.0.1 port " +
                  broker.port_str() + " over TCP.\n");
    }
}

TEST_CASE("hostile: a malformed PUBACK ends mqtt-pub -l with 7 and one line at once, no new connection (was 30 s of "
          "reconnects)")
{
    for (const char* version : {"311", "5"}) {
        CAPTURE(version);
        std::atomic<int> connections{0};
        test::FakeBroker broker([&](test::FakeConnection& client) {
            ++connections;
            if (!test::accept(client)) return;
            test::Packet packet;
            if (!client.read(packet) || packet.type != 3) return;
            client.send_raw(std::string("\x40\x01\x00", 3));  // a PUBACK needs 2 bytes for its packet id
            test::drain(client);
        });
        const auto start = Clock::now();
        const test::Result r = test::run(
            {test::tool("mqtt-pub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-V", version, "-q", "1", "-t", "t", "-l"},
            "a\nb\n", 60s);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 7);
        CHECK(r.out == "");
        // mqtt-pub's account of what -l sent follows a failure, as always.
        CHECK(r.err ==
              "Error: The broker sent a malformed packet.\n"
              "Account: sent 2, acknowledged 0, refused 0, not acknowledged 2.\n");
        CHECK(seconds_since(start) < 25);  // not the 30 s of reconnects
        CHECK(connections == 1);
    }
}

TEST_CASE("hostile: a packet of an unknown type ends mqtt-sub with 7 and one line, no new connection")
{
    std::atomic<int> connections{0};
    test::FakeBroker broker([&](test::FakeConnection& client) {
        ++connections;
        if (!test::accept(client) || !test::grant_subscription(client)) return;
        client.send_raw(std::string("\x00\x00", 2));  // packet type 0 is reserved
        test::drain(client);
    });
    const auto start = Clock::now();
    const test::Result r =
        test::run({test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str(), "-t", "t", "-W", "60"}, {}, 70s);
    check_ended(r, 7, "", "Error: The broker sent a malformed packet.\n");
    CHECK(seconds_since(start) < 30);  // long before -W 60
    CHECK(connections == 1);
}
