// A Connection with no broker behind it, for the jobs' unit tests: it records what a job
// sends and lets the test play the broker (CONNACK, acknowledgements, messages, a lost
// connection) by calling the job's on_* methods. Like libmosquitto, a QoS 0 PUBLISH that
// the socket takes at once completes (on_publish) inside publish().
#pragma once

#include <optional>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include <mosquitto.h>

#include "cli.h"
#include "connection.h"

namespace mqtt_test {

/// Options as a tool parses `args`, with no options file or environment.
inline mqtt::Options options_for(mqtt::Tool tool, const std::vector<std::string>& args)
{
    return mqtt::parse_command_line(tool, args, mqtt::Environment{}).options;
}

class FakeConnection final : public mqtt::Connection {
public:
    struct Published {
        int mid;
        std::string topic;  ///< empty: sent with the topic alias only
        std::string payload;
        int qos;
        bool retain;
    };
    struct Subscribed {
        int mid;
        std::vector<std::string> filters;
        int qos;
        int options;
    };

    /// The job whose on_publish a QoS 0 message completes inside publish().
    mqtt::Client* client = nullptr;
    bool is_connected = true;
    bool write_queued = false;  ///< want_write(): the socket has not taken everything yet
    /// PUBLISH packets the socket takes before it is full; the one after stays queued (and a
    /// QoS 0 one incomplete) until drain(). Unset: the socket takes everything.
    std::optional<int> socket_room;
    int receive_maximum = 65535;
    int flags = 0;
    int refuse_sends_with = MOSQ_ERR_SUCCESS;  ///< what publish/subscribe return instead

    std::vector<Published> published;
    std::vector<Subscribed> subscribed;
    std::vector<std::vector<std::string>> unsubscribed;
    mutable std::vector<std::string> warnings;  ///< warn() is const, as the real one
    std::optional<mqtt::Outcome> outcome;

    bool connected() const override { return is_connected; }
    void finish(mqtt::Outcome given) override
    {
        if (!outcome) outcome = std::move(given);
    }
    bool finishing() const override { return outcome.has_value(); }
    int connack_flags() const override { return flags; }
    int broker_receive_maximum() const override { return receive_maximum; }
    const mosquitto_property* properties(mqtt::PropertyCommand) const override { return nullptr; }
    void warn(const std::string& text) const override { warnings.push_back(text); }
    bool want_write() const override { return write_queued; }
    int publish(int* mid, const char* topic, std::string_view payload, int qos, bool retain, const mosquitto_property*) override
    {
        if (refuse_sends_with != MOSQ_ERR_SUCCESS) return refuse_sends_with;
        const int given = m_next_mid++;
        if (mid) *mid = given;
        published.push_back({given, topic ? topic : "", std::string(payload), qos, retain});
        if (socket_room && (*socket_room)-- <= 0) write_queued = true;
        if (write_queued) {
            m_queued.push_back({given, qos});
        } else if (qos == 0 && client) {
            client->on_publish(*this, given, 0, nullptr);
        }
        return MOSQ_ERR_SUCCESS;
    }
    int subscribe(int* mid, std::span<const std::string> filters, int qos, int options, const mosquitto_property*) override
    {
        if (refuse_sends_with != MOSQ_ERR_SUCCESS) return refuse_sends_with;
        const int given = m_next_mid++;
        if (mid) *mid = given;
        subscribed.push_back({given, {filters.begin(), filters.end()}, qos, options});
        return MOSQ_ERR_SUCCESS;
    }
    int unsubscribe(int* mid, std::span<const std::string> filters, const mosquitto_property*) override
    {
        const int given = m_next_mid++;
        if (mid) *mid = given;
        unsubscribed.emplace_back(filters.begin(), filters.end());
        return MOSQ_ERR_SUCCESS;
    }
    std::optional<mqtt::TlsSummary> tls_summary() const override { return std::nullopt; }

    /// The socket takes what was queued: QoS 0 messages among it complete.
    void drain()
    {
        write_queued = false;
        socket_room.reset();
        const auto queued = std::move(m_queued);
        m_queued.clear();
        for (const auto& [mid, qos] : queued) {
            if (qos == 0 && client) client->on_publish(*this, mid, 0, nullptr);
        }
    }
    /// The connection drops: what was queued for the socket is gone with it.
    void drop()
    {
        is_connected = false;
        write_queued = false;
        socket_room.reset();
        m_queued.clear();
    }

    /// The payloads published so far, in order.
    std::vector<std::string> payloads() const
    {
        std::vector<std::string> all;
        for (const auto& p : published) all.push_back(p.payload);
        return all;
    }

private:
    int m_next_mid = 1;
    std::vector<std::pair<int, int>> m_queued;  ///< mid and QoS of PUBLISHes not yet written
};

/// A message as libmosquitto hands it to on_message.
struct IncomingMessage {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retain = false;
    int mid = 0;

    mosquitto_message view()
    {
        mosquitto_message message{};
        message.mid = mid;
        message.topic = topic.data();
        message.payload = payload.data();
        message.payloadlen = static_cast<int>(payload.size());
        message.qos = qos;
        message.retain = retain;
        return message;
    }
};

/// An in-memory file for a Sink: what a job wrote to "stdout".
class CapturedOutput {
public:
    CapturedOutput() : m_fd(memfd_create("stdout", MFD_CLOEXEC)) {}
    ~CapturedOutput()
    {
        if (m_fd >= 0) ::close(m_fd);
    }
    CapturedOutput(const CapturedOutput&) = delete;
    CapturedOutput& operator=(const CapturedOutput&) = delete;

    int fd() const { return m_fd; }
    /// Everything written so far.
    std::string text() const
    {
        std::string all;
        char block[4096];
        off_t offset = 0;
        for (;;) {
            const ssize_t n = ::pread(m_fd, block, sizeof block, offset);
            if (n <= 0) break;
            all.append(block, static_cast<std::size_t>(n));
            offset += n;
        }
        return all;
    }

private:
    int m_fd;
};

}  // namespace mqtt_test
