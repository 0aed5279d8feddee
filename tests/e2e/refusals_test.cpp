// What a real mosquitto cannot be made to do: refuse a subscription in its SUBACK (its ACLs
// grant denied subscriptions). A scripted server answers instead.
#include "e2e.h"

#include "fake_broker.h"

using namespace e2e;

namespace {

/// Accepts the connection, answers the SUBSCRIBE with `codes`, then waits for the client
/// to leave.
test::FakeBroker::Script refusing(std::vector<std::uint8_t> codes)
{
    return [codes](test::FakeConnection& client) {
        test::Packet packet;
        if (!client.read(packet) || packet.type != 1) return;
        client.send(test::connack(client.protocol, 0));
        if (!client.read(packet) || packet.type != 8) return;
        client.send(test::suback(client.protocol, test::packet_id(packet), codes));
        while (client.read(packet) && packet.type != 14) {}
    };
}

Args fake_sub(const test::FakeBroker& broker, const Args& args)
{
    Args argv{test::tool("mqtt-sub"), "-h", "127.0.0.1", "-p", broker.port_str()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

}  // namespace

TEST_CASE("refusals: every subscription refused ends with 9 and upstream's line, no ready file")
{
    test::FakeBroker broker(refusing({0x80}));
    TempDir dir;
    const std::string ready = dir.path() + "/ready";
    const test::Result r = test::run(fake_sub(broker, {"-t", "secret/#", "--ready-file", ready, "-W", "10"}));
    check_ended(r, 9, "", "All subscription requests were denied.\n");
    CHECK(::access(ready.c_str(), F_OK) != 0);
}

TEST_CASE("refusals: one refused filter of two ends with 9 and names it (MQTT 5 reason)")
{
    test::FakeBroker broker(refusing({0x01, 0x87}));
    const test::Result r = test::run(fake_sub(broker, {"-V", "5", "-t", "open", "-t", "closed", "-q", "1", "-W", "10"}));
    CHECK(r.status == 9);
    CHECK(r.err == "Error: The broker refused 1 of 2 subscriptions, first 'closed' (Not authorized).\n");
}

TEST_CASE("refusals: -d shows the SUBACK codes, as mosquitto_sub")
{
    test::FakeBroker broker(refusing({0x00, 0x80}));
    const test::Result r = test::run(fake_sub(broker, {"-d", "-t", "a", "-t", "b", "-W", "10"}));
    CHECK(r.status == 9);
    CHECK(r.out.find("Subscribed (mid: 1): 0, 128\n") != std::string::npos);
}
