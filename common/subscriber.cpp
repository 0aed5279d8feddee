#include "subscriber.h"

#include <cstring>
#include <fmt/format.h>
#include <mqtt_protocol.h>

#include "exit_status.h"
#include "topic.h"

namespace mqtt {

Subscriber::Subscriber(const Options& options, Sink& sink)
    : m_options(options), m_sink(sink), m_formatter(options)
{
    // -W bounds the whole run, connecting included.
    if (options.timeout > 0) m_deadline = Clock::now() + std::chrono::seconds(options.timeout);
}

void Subscriber::on_connected(Session& session, const mosquitto_property*)
{
    mosquitto* mosq = session.handle();
    if (!m_options.topics.empty()) {
        std::vector<char*> filters;
        for (const auto& topic : m_options.topics) filters.push_back(const_cast<char*>(topic.c_str()));
        // -R in MQTT 5 also asks the broker not to send retained messages at all.
        const int sub_options = m_options.no_retained && m_options.protocol == k_mqtt5 ? MQTT_SUB_OPT_SEND_RETAIN_NEVER : 0;
        const int rc = mosquitto_subscribe_multiple(mosq, nullptr, static_cast<int>(filters.size()), filters.data(),
                                                    m_options.qos, sub_options,
                                                    session.properties(PropertyCommand::subscribe));
        if (rc != MOSQ_ERR_SUCCESS) {
            session.finish({ExitStatus::subscribe_refused, fmt::format("Error: Subscribe failed: {}", mosquitto_strerror(rc))});
            return;
        }
    }
    if (!m_options.unsubscribe.empty()) {
        std::vector<char*> filters;
        for (const auto& topic : m_options.unsubscribe) filters.push_back(const_cast<char*>(topic.c_str()));
        mosquitto_unsubscribe_multiple(mosq, nullptr, static_cast<int>(filters.size()), filters.data(),
                                       session.properties(PropertyCommand::unsubscribe));
    }
}

void Subscriber::on_subscribe(Session& session, int mid, std::span<const int> granted)
{
    if (m_options.debug && !m_options.quiet) {
        std::string line = fmt::format("Subscribed (mid: {}): ", mid);
        for (std::size_t i = 0; i < granted.size(); ++i) line += fmt::format("{}{}", i ? ", " : "", granted[i]);
        m_sink.append(line + "\n");
    }
    std::size_t refused = 0;
    std::string first;
    for (std::size_t i = 0; i < granted.size(); ++i) {
        if (granted[i] >= 0x80) {
            if (refused++ == 0 && i < m_options.topics.size()) {
                first = fmt::format("'{}' ({})", m_options.topics[i], mosquitto_reason_string(granted[i]));
            }
        }
    }
    if (refused == granted.size() && refused > 0) {
        session.finish({ExitStatus::subscribe_refused, "All subscription requests were denied."});
    } else if (refused > 0) {
        session.finish({ExitStatus::subscribe_refused,
                        fmt::format("Error: The broker refused {} of {} subscriptions, first {}.", refused,
                                    granted.size(), first)});
    } else if (m_options.exit_after_subscribe) {
        session.finish({ExitStatus::success, {}});
    }
}

void Subscriber::on_unsubscribe(Session& session, int)
{
    // Only -U given (e.g. to end a durable session's subscription): the job is done.
    if (m_options.topics.empty()) session.finish({ExitStatus::success, {}});
}

void Subscriber::on_message(Session& session, const mosquitto_message& message, const mosquitto_property*)
{
    if (m_options.retained_only && !message.retain) {
        session.finish({ExitStatus::success, {}});
        return;
    }
    if (m_options.no_retained && message.retain) return;
    const std::string topic = message.topic ? message.topic : "";
    for (const auto& filter : m_options.filter_out) {
        if (topic_matches(filter, topic)) return;
    }
    Message view;
    view.topic = topic;
    view.payload = std::string_view(static_cast<const char*>(message.payload),
                                    message.payloadlen > 0 ? static_cast<std::size_t>(message.payloadlen) : 0);
    view.qos = message.qos;
    view.retain = message.retain;
    view.mid = message.mid;
    m_formatter.render(view, m_sink);
    if (!output_ok(session)) return;
    ++m_received;
    if (m_options.msg_count > 0 && m_received >= m_options.msg_count) session.finish({ExitStatus::success, {}});
}

std::optional<Outcome> Subscriber::output_failure() const
{
    if (m_sink.error() == 0) return std::nullopt;
    return Outcome{ExitStatus::usage, fmt::format("Error: Unable to write to standard output: {}.", std::strerror(m_sink.error()))};
}

bool Subscriber::output_ok(Session& session)
{
    if (m_sink.closed()) {
        // The reader is gone (e.g. `| head -1`): nothing more can be delivered; end quietly.
        session.finish({ExitStatus::success, {}});
        return false;
    }
    if (auto failed = output_failure()) {
        session.finish(std::move(*failed));
        return false;
    }
    return true;
}

void Subscriber::on_tick(Session& session)
{
    if (!output_ok(session)) return;
    if (m_deadline && Clock::now() >= *m_deadline) {
        session.finish({ExitStatus::timed_out, "Timed out"});
    }
}

std::optional<Clock::time_point> Subscriber::wake_at() const
{
    return m_deadline;
}

std::optional<Outcome> Subscriber::flush()
{
    m_sink.flush();
    return output_failure();
}

void Subscriber::on_signal(Session& session, int)
{
    // Ctrl-C is how a person ends an open-ended subscription: success, as upstream.
    session.finish({ExitStatus::success, {}});
}

}  // namespace mqtt
