// mqtt-pub's job: publish every payload of a Source, keeping at most the in-flight window of
// QoS 1/2 messages unacknowledged and reading input only while the socket takes data, then
// wait for the last acknowledgement and disconnect.
#pragma once

#include <cstdint>
#include <memory>

#include "connection.h"
#include "options.h"
#include "source.h"
#include "stats.h"

namespace mqtt {

class Publisher : public Client {
public:
    Publisher(const Options& options, std::unique_ptr<Source> source);

    void on_connected(Connection& connection, const mosquitto_property* properties) override;
    void on_publish(Connection& connection, int mid, int reason, const mosquitto_property* properties) override;
    void pump(Connection& connection) override;
    int input_fd() const override;
    void on_input(Connection& connection) override;
    std::optional<Clock::time_point> wake_at() const override;
    std::optional<Clock::time_point> deadline() const override { return m_deadline; }
    void on_tick(Connection& connection) override;
    bool reconnects() const override { return true; }
    void on_connection_lost(Connection& connection) override;

    /// The account of a job that went wrong ("Account: sent 5, acknowledged 3, refused 1,
    /// not acknowledged 1."), or nullopt when nothing was sent.
    std::optional<std::string> account() const;
    /// What was sent so far (--stats).
    TransferStats& stats() { return m_stats; }

private:
    bool can_send(Connection& connection) const;
    /// Sent, and neither acknowledged (written, for QoS 0) nor lost yet.
    long unsettled() const { return m_sent - m_completed - m_dropped; }
    void finish_if_done(Connection& connection);

    const Options& m_options;
    std::unique_ptr<Source> m_source;
    long m_sent = 0;
    long m_completed = 0;  ///< acknowledged (QoS 1/2) or written (QoS 0)
    long m_refused = 0;
    long m_dropped = 0;                            ///< QoS 0 messages lost with a connection
    int m_window = 1;                              ///< most messages unacknowledged at once
    bool m_starved = false;                        ///< the source had nothing ready when we could send
    bool m_paced = false;                          ///< --repeat-delay: one message at a time, spaced
    std::optional<Clock::time_point> m_next_send;  ///< paced: not before this
    std::optional<Clock::time_point> m_deadline;   ///< -W
    /// -D publish topic-alias: after the first message of a connection has set the alias,
    /// the others carry the alias only (as mosquitto_pub does).
    std::uint16_t m_topic_alias = 0;
    bool m_alias_set = false;
    TransferStats m_stats;
};

}  // namespace mqtt
