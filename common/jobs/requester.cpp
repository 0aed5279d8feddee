#include "requester.h"

#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <mqtt_protocol.h>
#include <new>
#include <random>

#include "decode_failure.h"
#include "error.h"
#include "exit_status.h"
#include "property_list.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

constexpr std::size_t k_correlation_size = 16;  // 128 bits: no two requests ever share it
constexpr std::size_t k_max_binary_property = 65535;

std::string hex(std::string_view bytes)
{
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        text += k_digits[byte >> 4];
        text += k_digits[byte & 0x0f];
    }
    return text;
}

}  // namespace

std::string random_bytes(std::size_t count)
{
    std::random_device device;
    std::uniform_int_distribution<int> byte(0, 255);
    std::string bytes(count, '\0');
    for (char& c : bytes) c = static_cast<char>(static_cast<unsigned char>(byte(device)));
    return bytes;
}

std::string unique_response_topic()
{
    return "mqtt-rr/response/" + hex(random_bytes(16));
}

Correlation correlate(const mosquitto_property* properties, std::string_view expected)
{
    void* value = nullptr;
    std::uint16_t length = 0;
    if (properties == nullptr ||
        mosquitto_property_read_binary(properties, MQTT_PROP_CORRELATION_DATA, &value, &length, false) == nullptr) {
        return Correlation::missing;
    }
    const bool same = std::string_view(static_cast<const char*>(value), length) == expected;
    std::free(value);
    return same ? Correlation::matches : Correlation::different;
}

Requester::Requester(const Options& options, Sink& sink, std::string request)
    : m_options(options), m_sink(sink), m_formatter(options), m_decoder(options.decode, options.proto_path),
      m_where(options.where.empty() ? nullptr : std::make_unique<WhereFilter>(options.where)), m_ready_file(options.ready_file),
      m_request(std::move(request)),
      m_response_topic(options.response_topic.empty() ? unique_response_topic() : options.response_topic)
{
    // MQTT 3 cannot carry correlation data: there the first message on the topic is the response.
    if (options.protocol == k_mqtt5) {
        m_correlation = options.correlation_data ? *options.correlation_data : random_bytes(k_correlation_size);
        if (m_correlation.size() > k_max_binary_property) {
            throw UsageError("Error: Property value too long for property correlation-data.");
        }
    }
    // -W bounds the whole run, connecting included.
    if (options.timeout > 0) m_deadline = Clock::now() + std::chrono::seconds(options.timeout);
}

void Requester::on_connected(Connection& connection, const mosquitto_property*)
{
    int sub_options = 0;
    if (m_options.protocol == k_mqtt5) {
        // As mosquitto_rr 2.1: -R also asks the broker not to send a retained message at all.
        if (m_options.no_retained) sub_options |= MQTT_SUB_OPT_SEND_RETAIN_NEVER;
        if (m_options.retain_as_published) sub_options |= MQTT_SUB_OPT_RETAIN_AS_PUBLISHED;
    }
    m_state = State::subscribing;
    const int rc = connection.subscribe(&m_subscribe_mid, std::span(&m_response_topic, 1), m_options.qos, sub_options,
                                        connection.properties(PropertyCommand::subscribe));
    if (rc != MOSQ_ERR_SUCCESS) {
        auto failed = subscribe_call_status(rc);
        connection.finish({failed.status, std::move(failed.text)});
    }
}

void Requester::on_subscribe(Connection& connection, int mid, std::span<const int> granted)
{
    if (m_state != State::subscribing || mid != m_subscribe_mid) return;
    if (granted.empty() || granted.front() >= 0x80) {
        const int reason = granted.empty() ? MQTT_RC_UNSPECIFIED : granted.front();
        connection.finish({ExitStatus::subscribe_refused,
                           fmt::format("Error: The broker refused the subscription to the response topic '{}': {}.",
                                       m_response_topic, mosquitto_reason_string(reason))});
        return;
    }
    // The response can only be missed if the request left before the subscription existed.
    if (auto created = m_ready_file.create(); !created.ok()) {
        connection.finish({ExitStatus::usage, std::move(created.error())});
        return;
    }
    m_state = State::ready;
}

void Requester::pump(Connection& connection)
{
    if (m_state == State::ready) send_request(connection);
}

void Requester::send_request(Connection& connection)
{
    m_state = State::waiting;
    PropertyList properties;
    if (m_options.protocol == k_mqtt5) {
        // The user's own PUBLISH properties (-D publish) first, built afresh: a list copied
        // with mosquitto_property_copy_all is not marked as the client's, and libmosquitto
        // 2.0.11 then sends only its first property. A user's correlation-data came in
        // through Options::correlation_data instead of the random one.
        properties = PropertyList(m_options.properties.publish);
        Property response_topic;
        response_topic.identifier = MQTT_PROP_RESPONSE_TOPIC;
        response_topic.type = PropertyType::string;
        response_topic.value = m_response_topic;
        properties.add(response_topic);
        Property correlation;
        correlation.identifier = MQTT_PROP_CORRELATION_DATA;
        correlation.type = PropertyType::binary;
        correlation.value = m_correlation;
        properties.add(correlation);
        debug(fmt::format("Request: response topic '{}', correlation data {}.", m_response_topic, hex(m_correlation)));
    }
    // A request is never retained: a later subscriber must not take it for a new one.
    const int rc =
        connection.publish(nullptr, m_options.topics.front().c_str(), m_request, m_options.qos, false, properties.get());
    if (rc != MOSQ_ERR_SUCCESS) {
        auto failed = publish_call_status(rc);
        connection.finish({failed.status, std::move(failed.text)});
    }
}

void Requester::on_publish(Connection& connection, int, int reason, const mosquitto_property*)
{
    // The request is the only message mqtt-rr publishes.
    if (reason >= 0x80) {
        connection.finish({ExitStatus::publish_refused,
                           fmt::format("Error: The broker refused the request: {}.", mosquitto_reason_string(reason))});
    }
}

void Requester::on_message(Connection& connection, const mosquitto_message& message, const mosquitto_property* properties)
{
    if (m_state == State::done) return;
    const std::string_view topic = message.topic ? message.topic : "";
    // A session kept with -c may still hold other subscriptions.
    if (topic != m_response_topic) return;
    if (m_options.no_retained && message.retain) return;
    if (m_options.protocol == k_mqtt5 && !m_options.no_correlation_check) {
        const Correlation correlation = correlate(properties, m_correlation);
        if (correlation != Correlation::matches) {
            // A stale (retained) response, or one to somebody else's request.
            ++m_ignored;
            debug(fmt::format("Ignored a message on '{}' {}.", topic,
                              correlation == Correlation::missing ? "without correlation data"
                                                                  : "with correlation data that is not the request's"));
            return;
        }
    }
    Message view;
    view.topic = topic;
    view.payload = std::string_view(static_cast<const char*>(message.payload),
                                    message.payloadlen > 0 ? static_cast<std::size_t>(message.payloadlen) : 0);
    view.qos = message.qos;
    view.retain = message.retain;
    view.mid = message.mid;
    view.properties = properties;
    Decoded decoded;
    if (m_decoder.active()) {
        decoded = m_decoder.decode(view.topic, view.payload);
        view.decoded = &decoded;
        for (const std::string& line : decoded.warnings) connection.warn("Warning: " + line);
        if (decoded.kind == Decoded::Kind::failed) {
            // With --where a response that does not decode cannot pass: the wait goes on.
            const OnError action = m_where && m_options.decode_error == OnError::print ? OnError::skip : m_options.decode_error;
            DecodeFailure failure = judge_decode_failure(view.topic, decoded, action);
            if (failure.stop) {
                m_state = State::done;
                connection.finish(std::move(*failure.stop));
                return;
            }
            connection.warn(failure.warning);
            if (m_where) return;
            if (!failure.print) {
                m_state = State::done;
                connection.finish({ExitStatus::success, {}});
                return;
            }
        }
    }
    if (m_where && !passes_where(connection, view)) return;
    m_state = State::done;
    if (const auto printed = m_formatter.render(view, m_sink); !printed) connection.warn(printed.error());
    // A normal DISCONNECT: unlike mosquitto_rr, which just closes the socket, the broker
    // then drops the will instead of publishing it.
    connection.finish({ExitStatus::success, {}});
}

bool Requester::passes_where(Connection& connection, const Message& view)
{
    const WhereFilter::Verdict verdict = m_where->judge(view);
    if (verdict == WhereFilter::Verdict::passes) return true;
    if (verdict == WhereFilter::Verdict::fails) {
        ++m_rejected;
        debug(fmt::format("Ignored a message on '{}' that --where rejected.", escape_control(view.topic)));
        return false;
    }
    DecodeFailure failure =
        judge_where_failure(where_failure_text(view.topic, verdict, m_where->reason()), m_options.decode_error, m_where_warned);
    if (failure.stop) {
        m_state = State::done;
        connection.finish(std::move(*failure.stop));
    } else if (!failure.warning.empty()) {
        connection.warn(failure.warning);
    }
    return false;
}

void Requester::on_tick(Connection& connection)
{
    if (!m_deadline || Clock::now() < *m_deadline || m_state == State::done || connection.finishing()) return;
    std::string text = "Timed out";
    if (m_rejected > 0) {
        text += fmt::format(" (--where rejected {} message{} on the response topic)", m_rejected, m_rejected == 1 ? "" : "s");
    } else if (m_ignored > 0) {
        // Many responders (devices, shell pipelines) do not copy the correlation data back.
        text += fmt::format(" (ignored {} message{} without the request's correlation data; "
                            "--no-correlation-check takes the first message on the response topic)",
                            m_ignored, m_ignored == 1 ? "" : "s");
    }
    connection.finish({ExitStatus::timed_out, std::move(text)});
}

std::optional<Outcome> Requester::flush()
{
    // A reader that went away (EPIPE) is not a failure: the response was all there was to print.
    m_sink.flush();
    if (m_sink.error() == 0) return std::nullopt;
    return Outcome{ExitStatus::usage,
                   fmt::format("Error: Unable to write to standard output: {}.", std::strerror(m_sink.error()))};
}

void Requester::debug(const std::string& line)
{
    if (m_options.debug && !m_options.quiet) m_sink.append(line + "\n");
}

}  // namespace mqtt
