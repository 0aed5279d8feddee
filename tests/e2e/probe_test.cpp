// --probe end to end (mqtt-pub, mqtt-sub): one JSON object with what the broker granted,
// a clean DISCONNECT, the connection's exit status. TLS probes are in tls_test.cpp.
#include "e2e.h"
#include "silent_server.h"

#include <regex>

using namespace e2e;

TEST_CASE("probe: MQTT 3.1.1 prints the CONNACK, disconnects cleanly, exits 0, no topic needed")
{
    test::Broker broker;
    const test::Result r = test::run(pub(broker, {"--probe", "-i", "prober"}));
    check_ended(r, 0,
                "{\"host\":\"127.0.0.1\",\"port\":" + broker.port_str() +
                    ",\"protocol\":\"mqttv311\",\"connected\":true,\"reason_code\":0,\"reason\":\"Connection "
                    "Accepted.\",\"session_present\":false,\"tls\":null}\n");
    CHECK(broker.wait_for_log("Client prober disconnected."));

    // -c keeps the session: the second probe finds it.
    CHECK(test::run(sub(broker, {"--probe", "-i", "keeper", "-c"})).out.find("\"session_present\":false") != std::string::npos);
    const test::Result again = test::run(sub(broker, {"--probe", "-i", "keeper", "-c"}));
    CHECK(again.status == 0);
    CHECK(again.out.find("\"session_present\":true") != std::string::npos);
}

TEST_CASE("probe: MQTT 5 prints the CONNACK properties, with MQTT 5's defaults for those absent")
{
    test::Broker broker(with_extra("max_qos 1\nretain_available false\nmax_keepalive 30\nmax_packet_size 10000\n"
                                   "max_inflight_messages 7\nmax_topic_alias 5\n"));
    const test::Result r = test::run(sub(broker, {"--probe", "-V", "5", "-i", "probe5", "-k", "60"}));
    check_ended(r, 0,
                "{\"host\":\"127.0.0.1\",\"port\":" + broker.port_str() +
                    ",\"protocol\":\"mqttv5\",\"connected\":true,\"reason_code\":0,\"reason\":\"Success\","
                    "\"session_present\":false,\"assigned_client_id\":null,\"keep_alive\":30,"
                    "\"session_expiry_interval\":0,\"maximum_qos\":1,\"receive_maximum\":7,"
                    "\"maximum_packet_size\":10000,\"topic_alias_maximum\":5,\"retain_available\":false,"
                    "\"wildcard_subscription_available\":true,\"subscription_identifiers_available\":true,"
                    "\"shared_subscription_available\":true,\"reason_string\":null,\"response_information\":null,"
                    "\"server_reference\":null,\"user_properties\":[],\"tls\":null}\n");
    CHECK(broker.wait_for_log("Client probe5 disconnected."));

    // Without -i the broker assigns the client id.
    const test::Result assigned = test::run(pub(broker, {"--probe", "-V", "mqttv5"}));
    CHECK(assigned.status == 0);
    CHECK(std::regex_search(assigned.out, std::regex("\"assigned_client_id\":\"auto-[0-9A-F-]+\",\"keep_alive\":30,")));
}

TEST_CASE("probe: a refused connection is printed too and gives the refusal's status")
{
    test::Broker broker(with_account("ci", "right"));
    const test::Result v5 = test::run(pub(broker, {"--probe", "-V", "5", "-u", "ci", "-P", "wrong"}));
    CHECK(v5.status == 135);
    CHECK(v5.err == "Connection error: Not authorized\n");
    CHECK(v5.out.starts_with("{\"host\":\"127.0.0.1\",\"port\":" + broker.port_str() +
                             ",\"protocol\":\"mqttv5\",\"connected\":false,\"reason_code\":135,\"reason\":\"Not "
                             "authorized\",\"session_present\":false,"));
    const test::Result v311 = test::run(sub(broker, {"--probe", "-u", "ci", "-P", "wrong"}));
    check_ended(v311, 5,
                "{\"host\":\"127.0.0.1\",\"port\":" + broker.port_str() +
                    ",\"protocol\":\"mqttv311\",\"connected\":false,\"reason_code\":5,\"reason\":\"Connection "
                    "Refused: not authorised.\",\"session_present\":false,\"error\":\"Connection error: "
                    "Connection Refused: not authorised.\",\"status\":5,\"tls\":null}\n",
                "Connection error: Connection Refused: not authorised.\n");
}

TEST_CASE("probe: no broker, or no answer: still one JSON object, and the failure's status")
{
    // jq -e succeeds on empty input: a health check must get an object to judge.
    const int closed = test::free_port();
    for (const char* tool : {"mqtt-pub", "mqtt-sub"}) {
        CAPTURE(tool);
        const test::Result none = test::run(command(tool, {"--probe", "-h", "127.0.0.1", "-p", std::to_string(closed)}));
        CHECK(none.status == 6);
        const std::string refused = "Error: Connection refused (broker 127.0.0.1 port " + std::to_string(closed) + " over TCP)";
        CHECK(none.out ==
              "{\"host\":\"127.0.0.1\",\"port\":" + std::to_string(closed) +
                  ",\"protocol\":\"mqttv311\",\"connected\":false,\"error\":\"" + refused + "\",\"status\":6}\n");
        CHECK(none.err == refused + "\n");
    }
    SilentServer silent;
    const test::Result quiet = test::run(
        command("mqtt-pub", {"--probe", "-V", "5", "-h", "127.0.0.1", "-p", silent.port_str(), "--connect-timeout", "1"}));
    CHECK(quiet.status == 19);
    CHECK(quiet.out ==
          "{\"host\":\"127.0.0.1\",\"port\":" + silent.port_str() +
              ",\"protocol\":\"mqttv5\",\"connected\":false,\"error\":\"Error: The broker did not answer "
              "CONNECT within 1 seconds. Broker: 127.0.0.1 port " +
              silent.port_str() + " over TCP.\",\"status\":19}\n");
}

TEST_CASE("probe: the README's health check fails with the broker down, also in jq 1.6")
{
    const int closed = test::free_port();
    const std::string probe = test::tool("mqtt-pub") + " --probe -V 5 -h 127.0.0.1 -p " + std::to_string(closed);
    const test::Result r = test::run({"/bin/sh", "-c", probe + " | jq -e '.connected and .retain_available' >/dev/null"});
    CHECK(r.status == 1);
}
