#include <doctest/doctest.h>

#include "cli.h"
#include "error.h"
#include "probe.h"

TEST_CASE("probe: the JSON object of a CONNACK, with the TLS member")
{
    mqtt::Options options;
    options.host = "broker";
    options.port = 8883;
    options.protocol = mqtt::k_mqtt311;
    const mqtt::TlsSummary tls{"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "CN=broker,O=\"A, B\"", std::nullopt,
                               "2030-01-02T03:04:05Z"};
    CHECK(mqtt::probe_json(options, 0, 1, nullptr, tls) ==
          "{\"host\":\"broker\",\"port\":8883,\"protocol\":\"mqttv311\",\"connected\":true,\"reason_code\":0,"
          "\"reason\":\"Connection Accepted.\",\"session_present\":true,\"tls\":{\"version\":\"TLSv1.2\","
          "\"cipher\":\"ECDHE-RSA-AES128-GCM-SHA256\",\"peer_subject\":\"CN=broker,O=\\\"A, B\\\"\","
          "\"peer_issuer\":null,\"peer_not_after\":\"2030-01-02T03:04:05Z\"}}");
    options.protocol = mqtt::k_mqtt5;
    options.keepalive = 20;
    options.session_expiry = 300;
    CHECK(mqtt::probe_json(options, 135, 0, nullptr, std::nullopt) ==
          "{\"host\":\"broker\",\"port\":8883,\"protocol\":\"mqttv5\",\"connected\":false,\"reason_code\":135,"
          "\"reason\":\"Not authorized\",\"session_present\":false,\"assigned_client_id\":null,\"keep_alive\":20,"
          "\"session_expiry_interval\":300,\"maximum_qos\":2,\"receive_maximum\":65535,\"maximum_packet_size\":null,"
          "\"topic_alias_maximum\":0,\"retain_available\":true,\"wildcard_subscription_available\":true,"
          "\"subscription_identifiers_available\":true,\"shared_subscription_available\":true,"
          "\"reason_string\":null,\"response_information\":null,\"server_reference\":null,\"user_properties\":[],"
          "\"error\":\"Connection error: Not authorized\",\"status\":135,\"tls\":null}");
}

TEST_CASE("probe: the object when no CONNACK came says why, with the exit status")
{
    mqtt::Options options;
    options.host = "127.0.0.1";
    options.port = 1;
    CHECK(mqtt::probe_failure_json(options, {6, "Error: Connection refused"}) ==
          "{\"host\":\"127.0.0.1\",\"port\":1,\"protocol\":\"mqttv311\",\"connected\":false,"
          "\"error\":\"Error: Connection refused\",\"status\":6}");
    options.protocol = mqtt::k_mqtt5;
    options.port.reset();
    options.tls.cafile = "ca.crt";
    CHECK(mqtt::probe_failure_json(options, {19, "Error: The broker did not answer CONNECT within 10 seconds."}) ==
          "{\"host\":\"127.0.0.1\",\"port\":8883,\"protocol\":\"mqttv5\",\"connected\":false,"
          "\"error\":\"Error: The broker did not answer CONNECT within 10 seconds.\",\"status\":19}");
}

TEST_CASE("probe: --probe needs no topic or message, mqtt-rr does not take it")
{
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"--probe"}).options.probe);
    CHECK(mqtt::parse_command_line(mqtt::Tool::sub, {"--probe"}).options.probe);
    CHECK_THROWS_WITH_AS(mqtt::parse_command_line(mqtt::Tool::rr, {"--probe"}), "Error: Unknown option '--probe'.",
                         mqtt::UsageError);
}
