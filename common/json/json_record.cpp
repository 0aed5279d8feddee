#include "json_record.h"

#include <ctime>
#include <fmt/format.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "encoding.h"
#include "json_value.h"
#include "topic.h"

namespace mqtt {

namespace {

using Kind = JsonValue::Kind;

/// The bytes of a member given either as `name` (a JSON string) or as `name`_base64; a
/// the error when it is neither, or both.
Result<std::optional<std::string>> bytes_member(JsonValue& object, const std::string& name)
{
    JsonValue* text = object.find(name);
    const JsonValue* base64 = object.find(name + "_base64");
    if (text && base64) return Error{fmt::format("both \"{}\" and \"{}_base64\" given", name, name)};
    if (text) {
        if (text->kind == Kind::null) return std::optional<std::string>(std::string());  // %j's empty payload
        if (text->kind != Kind::string) return Error{fmt::format("\"{}\" must be a string", name)};
        return std::optional<std::string>(std::move(text->text));
    }
    if (base64) {
        if (base64->kind != Kind::string) return Error{fmt::format("\"{}_base64\" must be a string", name)};
        auto decoded = decode_base64(base64->text);
        if (!decoded) return Error{fmt::format("\"{}_base64\" is not valid base64", name)};
        return std::optional<std::string>(std::move(*decoded));
    }
    return std::optional<std::string>();
}

Property make_property(int identifier, PropertyType type)
{
    Property p;
    p.identifier = identifier;
    p.type = type;
    p.name = mosquitto_property_identifier_to_string(identifier);
    return p;
}

Status add_number(std::vector<Property>& out, const JsonValue& value, int identifier, PropertyType type, std::uint64_t max)
{
    const auto n = value.whole_number(max);
    Property p = make_property(identifier, type);
    if (!n) return Error{fmt::format("\"{}\" must be a whole number from 0 to {}", p.name, max)};
    p.number = static_cast<std::uint32_t>(*n);
    out.push_back(std::move(p));
    return {};
}

Status add_string(std::vector<Property>& out, const JsonValue& value, int identifier)
{
    Property p = make_property(identifier, PropertyType::string);
    if (value.kind != Kind::string || !valid_mqtt_utf8(value.text)) {
        return Error{fmt::format("\"{}\" must be a string without NUL", p.name)};
    }
    if (identifier == MQTT_PROP_RESPONSE_TOPIC) {
        if (auto checked = check_publish_topic(value.text, "response-topic"); !checked.ok()) return checked;
    }
    p.value = value.text;
    out.push_back(std::move(p));
    return {};
}

Status add_user_property(std::vector<Property>& out, const std::string& key, const JsonValue& value)
{
    if (value.kind != Kind::string || !valid_mqtt_utf8(key) || !valid_mqtt_utf8(value.text)) {
        return Error{"each user property must be \"name\":\"value\", strings without NUL"};
    }
    Property p = make_property(MQTT_PROP_USER_PROPERTY, PropertyType::string_pair);
    p.key = key;
    p.value = value.text;
    out.push_back(std::move(p));
    return {};
}

/// "user-properties": an array of one-member objects (mosquitto 2.1), or one object
/// (mosquitto 2.0, where a name may repeat).
Status add_user_properties(std::vector<Property>& out, const JsonValue& value)
{
    const auto add_members = [&](const JsonValue& object) -> Status {
        for (std::size_t i = 0; i < object.names.size(); ++i) {
            if (auto added = add_user_property(out, object.names[i], object.values[i]); !added) return added;
        }
        return {};
    };
    if (value.kind == Kind::object) return add_members(value);
    if (value.kind != Kind::array) return Error{"\"user-properties\" must be an array of objects"};
    for (const auto& element : value.values) {
        if (element.kind != Kind::object) return Error{"\"user-properties\" must be an array of objects"};
        if (auto added = add_members(element); !added) return added;
    }
    return {};
}

Result<std::vector<Property>> read_properties(JsonValue& object)
{
    if (object.kind != Kind::object) return Error{"\"properties\" must be an object"};
    std::vector<Property> out;
    for (std::size_t i = 0; i < object.names.size(); ++i) {
        const std::string& name = object.names[i];
        const JsonValue& value = object.values[i];
        Status error;
        if (name == "payload-format-indicator") {
            error = add_number(out, value, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, PropertyType::byte, 1);
        } else if (name == "message-expiry-interval") {
            error = add_number(out, value, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, PropertyType::int32, UINT32_MAX);
        } else if (name == "content-type") {
            error = add_string(out, value, MQTT_PROP_CONTENT_TYPE);
        } else if (name == "response-topic") {
            error = add_string(out, value, MQTT_PROP_RESPONSE_TOPIC);
        } else if (name == "correlation-data" || name == "correlation-data_base64") {
            if (name == "correlation-data_base64" && object.find("correlation-data")) continue;  // reported below
            auto bytes = bytes_member(object, "correlation-data");
            if (!bytes) {
                error = Error{bytes.error()};
            } else if (auto& data = *bytes; data) {
                if (data->size() > 65535) {
                    error = Error{"\"correlation-data\" is longer than 65535 bytes"};
                } else {
                    Property p = make_property(MQTT_PROP_CORRELATION_DATA, PropertyType::binary);
                    p.value = std::move(*data);
                    out.push_back(std::move(p));
                }
            }
        } else if (name == "user-properties") {
            error = add_user_properties(out, value);
        } else if (name == "subscription-identifier" || name == "topic-alias") {
            // What the broker set for the recording connection: meaningless on another.
        } else {
            error = Error{fmt::format("unknown property \"{}\"", name)};
        }
        if (!error) return Error{error.error()};
    }
    return out;
}

int two_digits(std::string_view s, std::size_t at)
{
    if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return -1;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

}  // namespace

std::optional<std::int64_t> parse_tst(std::string_view s)
{
    // YYYY-MM-DDTHH:MM:SS
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
    const int century = two_digits(s, 0), year = two_digits(s, 2), month = two_digits(s, 5), day = two_digits(s, 8);
    const int hour = two_digits(s, 11), minute = two_digits(s, 14), second = two_digits(s, 17);
    if (century < 0 || year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 60) {
        return std::nullopt;
    }
    std::size_t at = 19;
    std::int64_t micros = 0;
    if (at < s.size() && s[at] == '.') {
        ++at;
        int digits = 0;
        for (; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++digits) {
            if (digits < 6) micros = micros * 10 + (s[at] - '0');
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 6; ++digits) micros *= 10;
    }
    if (at < s.size() && s[at] == 'Z') ++at;
    int offset_minutes = 0;
    if (at < s.size()) {
        const char sign = s[at++];
        if (sign != '+' && sign != '-') return std::nullopt;
        const int hh = two_digits(s, at);
        at += 2;
        if (at < s.size() && s[at] == ':') ++at;
        const int mm = two_digits(s, at);
        at += 2;
        if (hh < 0 || mm < 0 || at != s.size()) return std::nullopt;
        offset_minutes = (hh * 60 + mm) * (sign == '-' ? -1 : 1);
    }
    std::tm tm{};
    tm.tm_year = century * 100 + year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t utc = timegm(&tm);
    return (static_cast<std::int64_t>(utc) - offset_minutes * 60LL) * 1000000 + micros;
}

Result<JsonRecord> parse_json_record(std::string_view text, bool keep_decoded)
{
    auto parsed = json_parse(text);
    if (!parsed) return Error{fmt::format("not JSON at byte {}: {}", parsed.error().offset + 1, parsed.error().what)};
    JsonValue& object = *parsed;
    if (object.kind != Kind::object) return Error{"not a JSON object"};
    JsonRecord record;
    if (JsonValue* topic = object.find("topic")) {
        if (topic->kind != Kind::string) return Error{"\"topic\" must be a string"};
        if (auto checked = check_publish_topic(topic->text, "\"topic\""); !checked.ok()) return Error{checked.error()};
        record.topic = std::move(topic->text);
    }
    if (const JsonValue* qos = object.find("qos")) {
        const auto n = qos->whole_number(2);
        if (!n) return Error{"\"qos\" must be 0, 1 or 2"};
        record.qos = static_cast<int>(*n);
    }
    if (const JsonValue* retain = object.find("retain")) {
        // mosquitto 2.0 wrote 0 and 1, 2.1 writes false and true.
        const auto n = retain->whole_number(1);
        if (retain->kind != Kind::boolean && !n) return Error{"\"retain\" must be true or false"};
        record.retain = retain->kind == Kind::boolean ? retain->boolean : *n == 1;
    }
    auto payload = bytes_member(object, "payload");
    if (!payload) return Error{std::move(payload.error())};
    auto& bytes = *payload;
    if (keep_decoded) {
        if (JsonValue* decoded = object.find("payload_decoded")) record.payload_decoded = std::move(*decoded);
    }
    if (!bytes && !record.payload_decoded) {
        return Error{keep_decoded ? "no \"payload\", \"payload_base64\" or \"payload_decoded\""
                                  : "no \"payload\" or \"payload_base64\""};
    }
    if (bytes) record.payload = std::move(*bytes);
    if (JsonValue* properties = object.find("properties")) {
        auto read = read_properties(*properties);
        if (!read) return Error{std::move(read.error())};
        record.properties = std::move(*read);
    }
    if (const JsonValue* tst = object.find("tst"); tst && tst->kind == Kind::string) record.tst_us = parse_tst(tst->text);
    return record;
}

}  // namespace mqtt
