#include "publisher.h"

#include <fmt/format.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "exit_status.h"
#include "terminal_text.h"

namespace mqtt {

Publisher::Publisher(const Options& options, std::unique_ptr<Source> source)
    : m_options(options), m_source(std::move(source)), m_paced(options.repeat_delay > 0.0 && !options.streams())
{
    if (options.timeout > 0) m_deadline = Clock::now() + std::chrono::seconds(options.timeout);
    if (const Property* alias = options.properties.find(PropertyCommand::publish, MQTT_PROP_TOPIC_ALIAS)) {
        m_topic_alias = static_cast<std::uint16_t>(alias->number);
    }
}

void Publisher::on_connected(Connection& connection, const mosquitto_property* properties)
{
    m_window = m_paced ? 1 : std::max(1, std::min(m_options.max_inflight, connection.broker_receive_maximum()));
    m_alias_set = false;  // aliases last one connection
    if (m_topic_alias > 0) {
        // A broker drops the connection on an alias above its maximum (none: 0); say why now.
        std::uint16_t maximum = 0;
        if (properties) mosquitto_property_read_int16(properties, MQTT_PROP_TOPIC_ALIAS_MAXIMUM, &maximum, false);
        if (maximum == 0) {
            connection.finish({ExitStatus::publish_refused, "Error: The broker does not accept topic aliases."});
        } else if (m_topic_alias > maximum) {
            connection.finish({ExitStatus::publish_refused,
                               fmt::format("Error: The broker accepts topic aliases up to {}, not {}.", maximum, m_topic_alias)});
        }
    }
}

bool Publisher::can_send(Connection& connection) const
{
    if (!connection.connected() || connection.finishing()) return false;
    // Back-pressure: QoS 0 waits for the socket to take what is queued; QoS 1/2 also keeps
    // the number of unacknowledged messages within the window.
    if (connection.want_write()) return false;
    if (unsettled() >= m_window) return false;
    if (m_next_send && Clock::now() < *m_next_send) return false;
    return true;
}

void Publisher::pump(Connection& connection)
{
    while (can_send(connection)) {
        auto message = m_source->next();
        if (!message) {
            m_starved = true;
            break;
        }
        // Cleared before publishing: a QoS 0 message completes inside mosquitto_publish.
        if (m_paced) m_next_send.reset();
        int mid = 0;
        const char* topic = message->topic ? message->topic : m_alias_set ? nullptr : m_options.topics.front().c_str();
        const int rc = connection.publish(&mid, topic, message->payload, message->qos >= 0 ? message->qos : m_options.qos,
                                          message->retain >= 0 ? message->retain == 1 : m_options.retain,
                                          message->properties.value_or(connection.properties(PropertyCommand::publish)));
        if (rc != MOSQ_ERR_SUCCESS) {
            auto failed = publish_call_status(rc);
            connection.finish({failed.status, std::move(failed.text)});
            return;
        }
        ++m_sent;
        ++m_stats.sent;
        m_stats.sent_bytes += message->payload.size();
        if (m_topic_alias > 0) m_alias_set = true;
    }
    finish_if_done(connection);
}

int Publisher::input_fd() const
{
    // Read input only when everything read so far is sent and there is room for more, so
    // memory stays at one block however fast the input comes.
    return m_starved ? m_source->fd() : -1;
}

void Publisher::on_input(Connection& connection)
{
    m_starved = false;
    m_source->on_readable();
    pump(connection);
}

std::optional<Clock::time_point> Publisher::wake_at() const
{
    std::optional<Clock::time_point> wake = m_source->wake_at();
    for (const auto& at : {m_next_send, m_deadline}) {
        if (at && (!wake || *at < *wake)) wake = at;
    }
    return wake;
}

void Publisher::on_tick(Connection& connection)
{
    if (!m_deadline || Clock::now() < *m_deadline || connection.finishing()) return;
    const long unacknowledged = unsettled();
    if (m_source->done() && unacknowledged > 0) {
        // Everything went out; the broker never confirmed some of it.
        connection.finish({ExitStatus::incomplete,
                           fmt::format("Error: {} of {} messages were not acknowledged within {} seconds.", unacknowledged,
                                       m_sent, m_options.timeout)});
    } else {
        connection.finish({ExitStatus::timed_out, "Timed out"});
    }
}

std::optional<std::string> Publisher::account() const
{
    if (m_sent == 0) return std::nullopt;
    return fmt::format("Account: sent {}, acknowledged {}, refused {}, not acknowledged {}{}.", m_sent, m_completed - m_refused,
                       m_refused, unsettled(), m_dropped > 0 ? fmt::format(", dropped {}", m_dropped) : "");
}

void Publisher::on_connection_lost(Connection&)
{
    // QoS 1/2 messages stay with libmosquitto, which sends them again after the CONNACK;
    // QoS 0 messages not yet written to the socket are gone with it.
    if (m_options.qos == 0) m_dropped += unsettled();
}

void Publisher::on_publish(Connection& connection, int mid, int reason, const mosquitto_property* properties)
{
    ++m_completed;
    ++(reason >= 0x80 ? m_stats.refused : m_stats.acknowledged);
    if (reason >= 0x80) {
        ++m_refused;
        // One line per refusal, the broker's reason string (if any) on it.
        std::string detail;
        char* reason_string = nullptr;
        if (properties && mosquitto_property_read_string(properties, MQTT_PROP_REASON_STRING, &reason_string, false)) {
            detail = fmt::format(" ({})", escape_control(reason_string));
            free(reason_string);
        }
        connection.warn(fmt::format("Warning: Publish {} failed: {}{}.", mid, mosquitto_reason_string(reason), detail));
    }
    // QoS 0 completes inside mosquitto_publish, before m_sent counts the message.
    if (m_paced && unsettled() <= 0) {
        m_next_send =
            Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.repeat_delay));
    }
}

void Publisher::finish_if_done(Connection& connection)
{
    if (!m_source->done() || unsettled() > 0 || connection.finishing()) return;
    if (auto error = m_source->error()) {
        connection.finish({ExitStatus::usage, std::move(*error)});
    } else if (m_dropped > 0) {
        connection.finish(
            {ExitStatus::connection_lost, fmt::format("Error: {} QoS 0 messages were lost with the connection.", m_dropped)});
    } else if (m_refused > 0) {
        connection.finish(
            {ExitStatus::publish_refused, fmt::format("Error: The broker refused {} of {} messages.", m_refused, m_sent)});
    } else {
        connection.finish({ExitStatus::success, {}});
    }
}

}  // namespace mqtt
