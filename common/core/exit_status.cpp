#include "exit_status.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <cstring>

#include <fmt/format.h>

#include "terminal_text.h"

namespace mqtt {

int connack_status(int reason_code)
{
    // 0 would read as success; a broker that refuses without a code is still a refusal.
    return reason_code > 0 && reason_code < 256 ? reason_code : ExitStatus::connection_lost;
}

StatusLine broker_disconnect(int reason_code, const std::string& reason_string, const std::string& client_id)
{
    const std::string detail = reason_string.empty() ? "" : " (" + escape_control(reason_string) + ")";
    if (reason_code == MQTT_RC_SESSION_TAKEN_OVER) {
        // Reconnecting would only take the session back and start a fight between the two.
        const std::string who = client_id.empty() ? "the same client id" : "the client id '" + client_id + "'";
        return {ExitStatus::taken_over, "Error: Session taken over: another client connected with " + who + detail + "."};
    }
    return {ExitStatus::disconnected,
            std::string("Error: The broker ended the connection: ") + mosquitto_reason_string(reason_code) + detail + "."};
}

std::string connack_error_text(int reason_code, int protocol)
{
    if (protocol == MQTT_PROTOCOL_V5) {
        std::string text = "Connection error: ";
        text += mosquitto_reason_string(reason_code);
        if (reason_code == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION) {
            text += ". Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.";
        }
        return text;
    }
    return std::string("Connection error: ") + mosquitto_connack_string(reason_code);
}

int send_failure_status(int rc)
{
    return rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST ? ExitStatus::connection_lost : ExitStatus::publish_refused;
}

StatusLine publish_call_status(int rc)
{
    return {send_failure_status(rc), fmt::format("Error: Publish failed: {}", mosquitto_strerror(rc))};
}

StatusLine subscribe_call_status(int rc)
{
    return {ExitStatus::subscribe_refused, fmt::format("Error: Subscribe failed: {}", mosquitto_strerror(rc))};
}

StatusLine bridge_connect_call_status(int rc)
{
    return {ExitStatus::unreachable, fmt::format("Unable to connect ({}).", mosquitto_strerror(rc))};
}

StatusLine bench_connect_call_status(int rc, int error)
{
    return {ExitStatus::unreachable, rc == MOSQ_ERR_ERRNO ? std::strerror(error) : mosquitto_strerror(rc)};
}

StatusLine connect_call_status(int rc, int error)
{
    if (rc == MOSQ_ERR_ERRNO) return {ExitStatus::unreachable, fmt::format("Error: {}", std::strerror(error))};
    if (rc == MOSQ_ERR_INVAL || rc == MOSQ_ERR_NOT_SUPPORTED) {
        return {ExitStatus::usage, fmt::format("Error: Unable to connect ({}).", mosquitto_strerror(rc))};
    }
    return {ExitStatus::unreachable, fmt::format("Unable to connect ({}).", mosquitto_strerror(rc))};
}

std::optional<StatusLine> closed_connection_status(const ClosedConnection& closed)
{
    const int rc = closed.rc;
    if (rc >= 0x80 && closed.protocol == MQTT_PROTOCOL_V5) {
        // libmosquitto passes the reason code of the broker's DISCONNECT (MOSQ_ERR_* are small).
        return broker_disconnect(rc, closed.reason_string, closed.client_id);
    }
    if (rc == MOSQ_ERR_KEEPALIVE && !closed.answered) {
        return StatusLine{ExitStatus::no_connack,
                          fmt::format("Error: The broker did not answer CONNECT within {} seconds.", closed.keepalive)};
    }
    if (rc == MOSQ_ERR_MALFORMED_PACKET || rc == MOSQ_ERR_PROTOCOL || rc == MOSQ_ERR_MALFORMED_UTF8 ||
        rc == MOSQ_ERR_DUPLICATE_PROPERTY || rc == MOSQ_ERR_TOPIC_ALIAS_INVALID) {
        // What libmosquitto found wrong in a packet it read (2.0.11 says "protocol error" of
        // a PUBACK too short or a packet of an unknown type, too): the broker's fault, not
        // the network's, so no new connection, which would get the same.
        return StatusLine{ExitStatus::connection_lost, "Error: The broker sent a malformed packet."};
    }
    if (!closed.answered && (rc == MOSQ_ERR_AUTH || rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_PROXY)) {
        // Only the SOCKS5 handshake ends a connection with these before any CONNACK.
        const char* why = rc == MOSQ_ERR_AUTH ? "access denied (user name, password or target not allowed)"
            : rc == MOSQ_ERR_NO_CONN          ? "the proxy could not reach the broker"
                                              : "the proxy failed";
        return StatusLine{ExitStatus::unreachable, fmt::format("Error: SOCKS5 proxy: {}.", why)};
    }
    return std::nullopt;
}

std::string lost_connection_text(int rc, bool answered, std::optional<int> tls_port)
{
    if (!answered && tls_port) {
        return fmt::format("Error: The connection was closed before the broker answered CONNECT (is port {} a TLS "
                           "port? --cafile, --capath or --tls-use-os-certs turn TLS on).",
                           *tls_port);
    }
    if (rc == MOSQ_ERR_KEEPALIVE) return "Error: The broker stopped answering (keepalive exceeded).";
    if (!answered) return "Error: The connection was closed before the broker answered CONNECT.";
    return "Error: The connection was lost.";
}

}  // namespace mqtt
