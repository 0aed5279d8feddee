#include "exit_status.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "terminal_text.h"

namespace mqtt {

int connack_status(int reason_code)
{
    // 0 would read as success; a broker that refuses without a code is still a refusal.
    return reason_code > 0 && reason_code < 256 ? reason_code : ExitStatus::connection_lost;
}

BrokerDisconnect broker_disconnect(int reason_code, const std::string& reason_string, const std::string& client_id)
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

}  // namespace mqtt
