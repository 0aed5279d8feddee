#include "exit_status.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

namespace mqtt {

int connack_status(int reason_code)
{
    // 0 would read as success; a broker that refuses without a code is still a refusal.
    return reason_code > 0 && reason_code < 256 ? reason_code : ExitStatus::connection_lost;
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

}  // namespace mqtt
