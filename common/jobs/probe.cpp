#include "probe.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <mqtt_protocol.h>
#include <unistd.h>

#include "broker_link.h"
#include "error.h"
#include "exit_status.h"
#include "json.h"
#include "message_properties.h"

namespace mqtt {

namespace {

const char* protocol_text(int protocol)
{
    return protocol == k_mqtt31 ? "mqttv31" : protocol == k_mqtt311 ? "mqttv311" : "mqttv5";
}

/// The members every probe object starts with: where, how, and whether it connected.
void begin_probe_object(JsonWriter& json, const Options& options, bool connected)
{
    json.begin_object();
    json.key("host");
    json.string(options.host);
    json.key("port");
    json.number(static_cast<std::uint64_t>(options.effective_port()));
    json.key("protocol");
    json.string(protocol_text(options.protocol));
    json.key("connected");
    json.boolean(connected);
}

void optional_string(JsonWriter& json, const char* key, const mosquitto_property* properties, int identifier)
{
    json.key(key);
    if (auto value = read_bytes_property(properties, identifier)) {
        json.string(value->view());
    } else {
        json.null();
    }
}

void number_or(JsonWriter& json, const char* key, const mosquitto_property* properties, int identifier,
               std::optional<std::uint32_t> absent)
{
    json.key(key);
    if (auto value = read_number_property(properties, identifier)) {
        json.number(*value);
    } else if (absent) {
        json.number(*absent);
    } else {
        json.null();
    }
}

void flag_or_true(JsonWriter& json, const char* key, const mosquitto_property* properties, int identifier)
{
    json.key(key);
    const auto value = read_number_property(properties, identifier);
    json.boolean(!value || *value != 0);  // absent: available (MQTT 5, 3.2.2.3)
}

}  // namespace

std::string probe_json(const Options& options, int reason_code, int flags, const mosquitto_property* properties,
                       const std::optional<TlsSummary>& tls)
{
    std::string out;
    JsonWriter json(out, false);
    begin_probe_object(json, options, reason_code == 0);
    json.key("reason_code");
    json.number(static_cast<std::uint64_t>(reason_code));
    json.key("reason");
    json.string(options.protocol == k_mqtt5 ? mosquitto_reason_string(reason_code) : mosquitto_connack_string(reason_code));
    json.key("session_present");
    json.boolean((flags & 1) != 0);
    if (options.protocol == k_mqtt5) {
        // Absent properties take the value MQTT 5 gives them (3.2.2.3), so that a script
        // reads what holds for this connection.
        optional_string(json, "assigned_client_id", properties, MQTT_PROP_ASSIGNED_CLIENT_IDENTIFIER);
        number_or(json, "keep_alive", properties, MQTT_PROP_SERVER_KEEP_ALIVE, static_cast<std::uint32_t>(options.keepalive));
        std::uint32_t requested_expiry = options.session_expiry.value_or(0);
        if (const Property* p = options.properties.find(PropertyCommand::connect, MQTT_PROP_SESSION_EXPIRY_INTERVAL)) {
            requested_expiry = p->number;
        }
        number_or(json, "session_expiry_interval", properties, MQTT_PROP_SESSION_EXPIRY_INTERVAL, requested_expiry);
        number_or(json, "maximum_qos", properties, MQTT_PROP_MAXIMUM_QOS, 2);
        number_or(json, "receive_maximum", properties, MQTT_PROP_RECEIVE_MAXIMUM, 65535);
        number_or(json, "maximum_packet_size", properties, MQTT_PROP_MAXIMUM_PACKET_SIZE, std::nullopt);
        number_or(json, "topic_alias_maximum", properties, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, 0);
        flag_or_true(json, "retain_available", properties, MQTT_PROP_RETAIN_AVAILABLE);
        flag_or_true(json, "wildcard_subscription_available", properties, MQTT_PROP_WILDCARD_SUB_AVAILABLE);
        flag_or_true(json, "subscription_identifiers_available", properties, MQTT_PROP_SUBSCRIPTION_ID_AVAILABLE);
        flag_or_true(json, "shared_subscription_available", properties, MQTT_PROP_SHARED_SUB_AVAILABLE);
        optional_string(json, "reason_string", properties, MQTT_PROP_REASON_STRING);
        optional_string(json, "response_information", properties, MQTT_PROP_RESPONSE_INFORMATION);
        optional_string(json, "server_reference", properties, MQTT_PROP_SERVER_REFERENCE);
        json.key("user_properties");
        json.begin_array();
        for (const mosquitto_property* p = properties; p != nullptr; p = mosquitto_property_next(p)) {
            if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
            if (auto pair = read_user_property(p)) {
                json.element();
                json.begin_object();
                json.key("name");
                json.string(pair->name.view());
                json.key("value");
                json.string(pair->value.view());
                json.end_object();
            }
        }
        json.end_array();
    }
    if (reason_code != 0) {
        json.key("error");
        json.string(connack_error_text(reason_code, options.protocol));
        json.key("status");
        json.number(static_cast<std::uint64_t>(connack_status(reason_code)));
    }
    json.key("tls");
    if (tls) {
        json.begin_object();
        json.key("version");
        json.string(tls->version);
        json.key("cipher");
        json.string(tls->cipher);
        const auto optional = [&json](const char* key, const std::optional<std::string>& value) {
            json.key(key);
            if (value) {
                json.string(*value);
            } else {
                json.null();
            }
        };
        optional("peer_subject", tls->peer_subject);
        optional("peer_issuer", tls->peer_issuer);
        optional("peer_not_after", tls->peer_not_after);
        json.end_object();
    } else {
        json.null();
    }
    json.end_object();
    return out;
}

std::string probe_failure_json(const Options& options, const Outcome& outcome)
{
    std::string out;
    JsonWriter json(out, false);
    begin_probe_object(json, options, false);
    json.key("error");
    json.string(outcome.text);
    json.key("status");
    json.number(static_cast<std::uint64_t>(outcome.status));
    json.end_object();
    return out;
}

void Prober::print(Connection& connection, int reason_code, const mosquitto_property* properties)
{
    m_sink.append(probe_json(m_options, reason_code, connection.connack_flags(), properties, connection.tls_summary()));
    m_sink.append('\n');
    m_printed = true;
}

void Prober::on_connected(Connection& connection, const mosquitto_property* properties)
{
    print(connection, 0, properties);
    connection.finish({ExitStatus::success, {}});  // DISCONNECT
}

void Prober::on_refused(Connection& connection, int reason_code, const mosquitto_property* properties)
{
    print(connection, reason_code, properties);
}

std::optional<Outcome> Prober::flush()
{
    m_sink.flush();
    if (m_sink.error() == 0) return std::nullopt;
    return Outcome{ExitStatus::usage,
                   fmt::format("Error: Unable to write to standard output: {}.", std::strerror(m_sink.error()))};
}

Outcome run_probe(const Options& options)
{
    Sink sink(STDOUT_FILENO);
    Prober prober(options, sink);
    Outcome outcome;
    try {
        BrokerLink link(options);
        outcome = link.run(prober);
    } catch (const Failure& failure) {  // e.g. a TLS file that cannot be read
        outcome = {failure.status(), failure.what()};
    }
    if (!prober.printed() && outcome.status != ExitStatus::success) {
        sink.append(probe_failure_json(options, outcome));
        sink.append('\n');
        if (auto failed = prober.flush()) return *failed;
    }
    return outcome;
}

}  // namespace mqtt
