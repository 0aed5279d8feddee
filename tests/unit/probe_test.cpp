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
          "\"tls\":null}");
}

TEST_CASE("probe: --probe needs no topic or message, mqtt-rr does not take it")
{
    CHECK(mqtt::parse_command_line(mqtt::Tool::pub, {"--probe"}).options.probe);
    CHECK(mqtt::parse_command_line(mqtt::Tool::sub, {"--probe"}).options.probe);
    CHECK_THROWS_WITH_AS(mqtt::parse_command_line(mqtt::Tool::rr, {"--probe"}), "Error: Unknown option '--probe'.",
                         mqtt::UsageError);
}
