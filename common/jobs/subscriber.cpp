#include "subscriber.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <mqtt_protocol.h>

#include "exit_status.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

/// The formatter's options: with -w the watch puts each message on its line, so no newline.
Options formatter_options(const Options& options)
{
    Options copy = options;
    if (options.watch) copy.no_eol = true;
    return copy;
}

}  // namespace

Subscriber::Subscriber(const Options& options, Sink& sink)
    : m_options(options),
      m_sink(sink),
      m_formatter(formatter_options(options)),
      m_filter(options),
      m_ready_file(options.ready_file),
      m_random(std::random_device{}())
{
    // -W bounds the whole run, connecting included.
    if (options.timeout > 0) m_deadline = Clock::now() + std::chrono::seconds(options.timeout);
    if (options.watch) {
        m_watch.emplace();
        Watch::start(options.host, m_sink.buffer());
        m_sink.commit();
    }
}

void Subscriber::on_connected(Session& session, const mosquitto_property*)
{
    mosquitto* mosq = session.handle();
    if (!m_options.topics.empty()) {
        std::vector<char*> filters;
        for (const auto& topic : m_options.topics) filters.push_back(const_cast<char*>(topic.c_str()));
        int sub_options = 0;
        if (m_options.protocol == k_mqtt5) {
            // -R in MQTT 5 also asks the broker not to send retained messages at all.
            if (m_options.no_retained) sub_options |= MQTT_SUB_OPT_SEND_RETAIN_NEVER;
            if (m_options.retain_as_published) sub_options |= MQTT_SUB_OPT_RETAIN_AS_PUBLISHED;
        }
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
    } else if (!signal_ready(session)) {
        return;
    } else if (m_options.exit_after_subscribe) {
        complete(session, {ExitStatus::success, {}});
    } else {
        restart_idle_timer();
    }
}

bool Subscriber::signal_ready(Session& session)
{
    if (auto error = m_ready_file.create()) {
        session.finish({ExitStatus::usage, std::move(*error)});
        return false;
    }
    return true;
}

void Subscriber::restart_idle_timer()
{
    if (m_options.idle_timeout > 0.0) {
        m_idle_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(m_options.idle_timeout));
    }
}

void Subscriber::on_unsubscribe(Session& session, int)
{
    // Only -U given (e.g. to end a durable session's subscription): the job is done.
    if (m_options.topics.empty()) complete(session, {ExitStatus::success, {}});
}

void Subscriber::on_message(Session& session, const mosquitto_message& message, const mosquitto_property* properties)
{
    if (m_stopping) return;
    restart_idle_timer();
    if (m_options.retained_only && !message.retain) {
        complete(session, {ExitStatus::success, {}});
        return;
    }
    if (m_options.no_retained && message.retain) return;
    const std::string_view topic = message.topic ? message.topic : "";
    const std::string_view payload(static_cast<const char*>(message.payload),
                                   message.payloadlen > 0 ? static_cast<std::size_t>(message.payloadlen) : 0);
    if (!m_filter.keeps(topic, payload)) return;
    if (m_options.remove_retained && message.retain && message.topic) remove_retained(session, message.topic);
    // As upstream, a message the random filter skips still counts for -C.
    const bool print = m_options.random_filter >= 100.0 ||
                       std::uniform_real_distribution<double>(0.0, 100.0)(m_random) < m_options.random_filter;
    if (print) {
        Message view;
        view.topic = topic;
        view.payload = payload;
        view.qos = message.qos;
        view.retain = message.retain;
        view.mid = message.mid;
        view.properties = properties;
        std::optional<std::string> error;
        if (m_watch) {
            m_rendered.clear();
            error = m_formatter.render(view, m_rendered);
            m_watch->print(topic, m_rendered, m_sink.buffer());
        } else {
            error = m_formatter.render(view, m_sink);
        }
        m_sink.commit();
        if (error) session.warn(*error);
        if (!output_ok(session)) return;
    }
    ++m_received;
    if (m_options.stats) {
        ++m_stats.received;
        m_stats.received_bytes += payload.size();
        if (const auto stamp = read_stamp(payload, properties)) {
            m_stats.latencies.add(static_cast<double>(unix_nanoseconds() - *stamp) / 1e6);
        }
    }
    if (m_options.msg_count > 0 && m_received >= m_options.msg_count) complete(session, {ExitStatus::success, {}});
}

void Subscriber::remove_retained(Session& session, const std::string& topic)
{
    // An empty retained message clears what the broker keeps for the topic.
    int mid = 0;
    const int rc = mosquitto_publish_v5(session.handle(), &mid, topic.c_str(), 0, nullptr, 1, true, nullptr);
    if (rc == MOSQ_ERR_SUCCESS) {
        m_removals.insert(mid);
    } else {
        session.warn(fmt::format("Warning: Unable to remove the retained message on '{}': {}.", escape_control(topic),
                                 mosquitto_strerror(rc)));
    }
}

void Subscriber::on_publish(Session& session, int mid, int reason, const mosquitto_property*)
{
    if (m_removals.erase(mid) == 0) return;
    if (reason >= 0x80) {
        session.warn(fmt::format("Warning: The broker refused to remove a retained message: {}.", mosquitto_reason_string(reason)));
    }
    if (m_removals.empty() && m_pending_outcome) session.finish(std::move(*m_pending_outcome));
}

void Subscriber::complete(Session& session, Outcome outcome)
{
    m_stopping = true;
    if (m_removals.empty()) {
        session.finish(std::move(outcome));
    } else if (!m_pending_outcome) {
        m_pending_outcome = std::move(outcome);  // -W still bounds the wait
    }
}

std::optional<Outcome> Subscriber::output_failure() const
{
    if (m_sink.error() == 0) return std::nullopt;
    return Outcome{ExitStatus::usage, fmt::format("Error: Unable to write to standard output: {}.", std::strerror(m_sink.error()))};
}

void Subscriber::end_for_output(Session& session)
{
    if (m_sink.closed()) {
        // The reader is gone (e.g. `| head -1`): nothing more can be delivered; end quietly.
        session.finish({ExitStatus::success, {}});
    } else if (auto failed = output_failure()) {
        session.finish(std::move(*failed));
    }
}

void Subscriber::on_tick(Session& session)
{
    if (!output_ok(session)) return;
    const auto now = Clock::now();
    if (m_deadline && now >= *m_deadline) {
        session.finish({ExitStatus::timed_out, "Timed out"});
    } else if (m_idle_end && now >= *m_idle_end && !m_stopping) {
        complete(session, {ExitStatus::success, {}});
    }
}

std::optional<Clock::time_point> Subscriber::wake_at() const
{
    if (m_deadline && m_idle_end) return std::min(*m_deadline, *m_idle_end);
    return m_deadline ? m_deadline : m_idle_end;
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
