#include "message_json.h"

#include <fmt/format.h>
#include <mqtt_protocol.h>

#include "json.h"
#include "message_properties.h"

namespace mqtt {

namespace {

/// The user properties from `first` on, as [{"name":"value"},...] in the order received.
void write_user_properties(JsonWriter& json, const mosquitto_property* first)
{
    json.begin_array();
    for (const mosquitto_property* p = first; p; p = mosquitto_property_next(p)) {
        if (mosquitto_property_identifier(p) != MQTT_PROP_USER_PROPERTY) continue;
        const auto pair = read_user_property(p);
        if (!pair) continue;
        json.element();
        json.begin_object();
        json.key(pair->name.view());
        json.string(pair->value.view());
        json.end_object();
    }
    json.end_array();
}

/// `bytes` as the member `name` (a JSON string), or, in lossless mode when they are not
/// valid UTF-8, as the member `name`_base64.
void write_bytes(JsonWriter& json, std::string_view name, std::string_view bytes, bool lossless)
{
    if (lossless && !is_utf8(bytes)) {
        json.key(std::string(name) + "_base64");
        json.base64_string(bytes);
    } else {
        json.key(name);
        json.string(bytes);
    }
}

/// The properties of a PUBLISH in the order received, named as libmosquitto names them.
/// All user properties go into one array, at the place of the first one.
void write_properties(JsonWriter& json, const mosquitto_property* list, bool lossless)
{
    json.begin_object();
    bool user_properties_done = false;
    for (const mosquitto_property* p = list; p; p = mosquitto_property_next(p)) {
        const int id = mosquitto_property_identifier(p);
        switch (id) {
        case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
        case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
        case MQTT_PROP_SUBSCRIPTION_IDENTIFIER:
        case MQTT_PROP_TOPIC_ALIAS:
            if (const auto value = read_number_property(p, id)) {
                json.key(mosquitto_property_identifier_to_string(id));
                json.number(*value);
            }
            break;
        case MQTT_PROP_CONTENT_TYPE:
        case MQTT_PROP_RESPONSE_TOPIC:
        case MQTT_PROP_CORRELATION_DATA:
            if (const auto value = read_bytes_property(p, id)) {
                write_bytes(json, mosquitto_property_identifier_to_string(id), value->view(), lossless);
            }
            break;
        case MQTT_PROP_USER_PROPERTY:
            if (!user_properties_done) {
                json.key("user-properties");
                write_user_properties(json, p);
                user_properties_done = true;
            }
            break;
        default: break;  // not a PUBLISH property: upstream leaves it out too
        }
    }
    json.end_object();
}

/// --json's "payload_decoded": the JSON --decode made, or decompressed bytes as a string
/// (as {"$bytes":"<base64>"} when they are not UTF-8).
void write_decoded(JsonWriter& json, const Decoded& decoded)
{
    json.key("payload_decoded");
    if (decoded.kind == Decoded::Kind::json) {
        json.raw(decoded.value);
    } else if (is_utf8(decoded.value)) {
        json.string(decoded.value);
    } else {
        std::string encoded;
        append_base64(encoded, decoded.value);
        json.begin_object();
        json.key("$bytes");
        json.string(encoded);
        json.end_object();
    }
}

}  // namespace

void append_properties_json(std::string& out, const mosquitto_property* list)
{
    JsonWriter json(out, false);
    write_properties(json, list, true);
}

JsonTimestamp json_timestamp(const Timestamp& time)
{
    JsonTimestamp result;
    auto& text = result.text;
    std::size_t n = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &time.local);
    n = static_cast<std::size_t>(fmt::format_to_n(text.data() + n, text.size() - n, ".{:06}", time.wall.tv_nsec / 1000).out -
                                 text.data());
    n += std::strftime(text.data() + n, text.size() - n, "%z", &time.local);
    result.size = n;
    return result;
}

void append_message_json(std::string& out, const Message& message, const Timestamp& time, JsonPayload payload, bool pretty,
                         const JsonSpill* spill, bool colour)
{
    JsonWriter json(out, pretty, spill, colour);
    json.begin_object();
    json.key("tst");
    json.string(json_timestamp(time).view());
    json.key("topic");
    json.string(message.topic);
    json.key("qos");
    json.number(static_cast<std::uint64_t>(message.qos));
    json.key("retain");
    json.boolean(message.retain);
    json.key("payloadlen");
    json.number(message.payload.size());
    if (message.qos > 0) {
        json.key("mid");
        json.number(static_cast<std::uint64_t>(message.mid));
    }
    if (message.properties) {
        json.key("properties");
        write_properties(json, message.properties, payload == JsonPayload::lossless);
    }
    if (payload == JsonPayload::lossless) {
        write_bytes(json, "payload", message.payload, true);
        if (message.has_decoded()) write_decoded(json, *message.decoded);
        json.end_object();
        return;
    }
    json.key("payload");
    if (message.payload.empty()) {
        json.null();
    } else if (payload == JsonPayload::string) {
        json.string(message.payload);
    } else {
        json_copy(message.payload, json);
    }
    json.end_object();
}

}  // namespace mqtt
