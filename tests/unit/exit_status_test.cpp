#include <doctest/doctest.h>

#include <cerrno>
#include <optional>
#include <string>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "exit_status.h"

TEST_CASE("broker_disconnect: the reason, its string, and a session taken over")
{
    const auto busy = mqtt::broker_disconnect(0x89, "", "me");
    CHECK(busy.status == mqtt::ExitStatus::disconnected);
    CHECK(busy.text == "Error: The broker ended the connection: Server busy.");
    const auto quota = mqtt::broker_disconnect(0x97, "over the daily limit", "");
    CHECK(quota.text == "Error: The broker ended the connection: Quota exceeded (over the daily limit).");
    // A broker's reason string reaches the terminal with its control bytes escaped.
    CHECK(mqtt::broker_disconnect(0x97, "\x1b]0;pwned\x07\nforged", "").text ==
          "Error: The broker ended the connection: Quota exceeded (\\x1b]0;pwned\\x07\\x0aforged).");
    const auto taken = mqtt::broker_disconnect(0x8E, "", "twin");
    CHECK(taken.status == mqtt::ExitStatus::taken_over);
    CHECK(taken.text == "Error: Session taken over: another client connected with the client id 'twin'.");
    CHECK(mqtt::broker_disconnect(0x8E, "", "").text ==
          "Error: Session taken over: another client connected with the same client id.");
}

TEST_CASE("connack_status keeps the code, and never reads as success")
{
    CHECK(mqtt::connack_status(5) == 5);
    CHECK(mqtt::connack_status(0x87) == 0x87);
    CHECK(mqtt::connack_status(0) == mqtt::ExitStatus::connection_lost);
}

TEST_CASE("connect_call_status: errno, a bad argument, and anything else")
{
    const auto refused = mqtt::connect_call_status(MOSQ_ERR_ERRNO, ECONNREFUSED);
    CHECK(refused.status == mqtt::ExitStatus::unreachable);
    CHECK(refused.text == "Error: Connection refused");
    const auto invalid = mqtt::connect_call_status(MOSQ_ERR_INVAL, 0);
    CHECK(invalid.status == mqtt::ExitStatus::usage);
    CHECK(invalid.text == "Error: Unable to connect (Invalid function arguments provided.).");
    const auto lookup = mqtt::connect_call_status(MOSQ_ERR_EAI, 0);
    CHECK(lookup.status == mqtt::ExitStatus::unreachable);
    CHECK(lookup.text == "Unable to connect (Lookup error.).");
}

TEST_CASE("closed_connection_status: what ends the job at once, and what is a lost connection")
{
    mqtt::ClosedConnection closed{MQTT_RC_SERVER_BUSY, 5, true, 60, "", "me"};
    auto ended = mqtt::closed_connection_status(closed);
    REQUIRE(ended);
    CHECK(ended->status == mqtt::ExitStatus::disconnected);
    CHECK(ended->text == "Error: The broker ended the connection: Server busy.");
    // The same code from an MQTT 3.1.1 connection is not a DISCONNECT reason.
    closed.protocol = 4;
    CHECK_FALSE(mqtt::closed_connection_status(closed));

    closed = {MOSQ_ERR_KEEPALIVE, 4, false, 30, "", ""};
    ended = mqtt::closed_connection_status(closed);
    REQUIRE(ended);
    CHECK(ended->status == mqtt::ExitStatus::no_connack);
    CHECK(ended->text == "Error: The broker did not answer CONNECT within 30 seconds.");
    closed.answered = true;  // a broker that stops answering later: lost, may reconnect
    CHECK_FALSE(mqtt::closed_connection_status(closed));
    CHECK(mqtt::lost_connection_text(MOSQ_ERR_KEEPALIVE, true, std::nullopt) ==
          "Error: The broker stopped answering (keepalive exceeded).");

    for (int rc : {MOSQ_ERR_MALFORMED_PACKET, MOSQ_ERR_PROTOCOL, MOSQ_ERR_MALFORMED_UTF8, MOSQ_ERR_DUPLICATE_PROPERTY,
                   MOSQ_ERR_TOPIC_ALIAS_INVALID}) {
        CAPTURE(rc);
        ended = mqtt::closed_connection_status({rc, 5, true, 60, "", ""});
        REQUIRE(ended);
        CHECK(ended->status == mqtt::ExitStatus::connection_lost);
        CHECK(ended->text == "Error: The broker sent a malformed packet.");
    }

    ended = mqtt::closed_connection_status({MOSQ_ERR_AUTH, 4, false, 60, "", ""});
    REQUIRE(ended);
    CHECK(ended->status == mqtt::ExitStatus::unreachable);
    CHECK(ended->text == "Error: SOCKS5 proxy: access denied (user name, password or target not allowed).");
    CHECK(mqtt::closed_connection_status({MOSQ_ERR_NO_CONN, 4, false, 60, "", ""})->text ==
          "Error: SOCKS5 proxy: the proxy could not reach the broker.");
    CHECK(mqtt::closed_connection_status({MOSQ_ERR_PROXY, 4, false, 60, "", ""})->text ==
          "Error: SOCKS5 proxy: the proxy failed.");

    CHECK_FALSE(mqtt::closed_connection_status({MOSQ_ERR_CONN_LOST, 5, true, 60, "", ""}));
    CHECK(mqtt::lost_connection_text(MOSQ_ERR_CONN_LOST, true, std::nullopt) == "Error: The connection was lost.");
    CHECK(mqtt::lost_connection_text(MOSQ_ERR_CONN_LOST, false, std::nullopt) ==
          "Error: The connection was closed before the broker answered CONNECT.");
    // The broker's side began with a TLS record or a reset: the port may want TLS.
    CHECK(mqtt::lost_connection_text(MOSQ_ERR_CONN_LOST, false, 8883) ==
          "Error: The connection was closed before the broker answered CONNECT (is port 8883 a TLS port? "
          "--cafile, --capath or --tls-use-os-certs turn TLS on).");
    // Once the broker answered, it spoke MQTT on that port.
    CHECK(mqtt::lost_connection_text(MOSQ_ERR_CONN_LOST, true, 8883) == "Error: The connection was lost.");
}

TEST_CASE("send_failure_status: a gone connection is 7, a refused message 8")
{
    CHECK(mqtt::send_failure_status(MOSQ_ERR_NO_CONN) == mqtt::ExitStatus::connection_lost);
    CHECK(mqtt::send_failure_status(MOSQ_ERR_CONN_LOST) == mqtt::ExitStatus::connection_lost);
    CHECK(mqtt::send_failure_status(MOSQ_ERR_OVERSIZE_PACKET) == mqtt::ExitStatus::publish_refused);
}

TEST_CASE("publish_call_status and subscribe_call_status: the status and upstream's line")
{
    const auto gone = mqtt::publish_call_status(MOSQ_ERR_NO_CONN);
    CHECK(gone.status == mqtt::ExitStatus::connection_lost);
    CHECK(gone.text == "Error: Publish failed: The client is not currently connected.");
    const auto big = mqtt::publish_call_status(MOSQ_ERR_OVERSIZE_PACKET);
    CHECK(big.status == mqtt::ExitStatus::publish_refused);
    CHECK(big.text == std::string("Error: Publish failed: ") + mosquitto_strerror(MOSQ_ERR_OVERSIZE_PACKET));
    const auto subscribe = mqtt::subscribe_call_status(MOSQ_ERR_NO_CONN);
    CHECK(subscribe.status == mqtt::ExitStatus::subscribe_refused);
    CHECK(subscribe.text == "Error: Subscribe failed: The client is not currently connected.");
}

TEST_CASE("bridge and mqtt-bench connect calls: unreachable, whatever libmosquitto said")
{
    const auto bridge = mqtt::bridge_connect_call_status(MOSQ_ERR_INVAL);
    CHECK(bridge.status == mqtt::ExitStatus::unreachable);
    CHECK(bridge.text == "Unable to connect (Invalid function arguments provided.).");
    const auto refused = mqtt::bench_connect_call_status(MOSQ_ERR_ERRNO, ECONNREFUSED);
    CHECK(refused.status == mqtt::ExitStatus::unreachable);
    CHECK(refused.text == "Connection refused");
    const auto invalid = mqtt::bench_connect_call_status(MOSQ_ERR_INVAL, 0);
    CHECK(invalid.status == mqtt::ExitStatus::unreachable);
    CHECK(invalid.text == "Invalid function arguments provided.");
}
