// The link to the broker: one libmosquitto client (RAII) configured from Options, and one
// single-threaded poll() loop over the broker socket, the job's input fd, signals and
// timers. The loop drives libmosquitto itself (no loop_start thread) and turns library
// callbacks into calls on a Client (the job: publisher, subscriber, requester, probe), which
// sees the link only as a Connection (connection.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <mosquitto.h>

#include "connection.h"
#include "endpoint.h"
#include "options.h"
#include "property_list.h"
#include "read_guard.h"
#include "socket_reads.h"
#include "tls.h"

namespace mqtt {

class Bridge;

class BrokerLink final : public Connection {
public:
    /// Creates the libmosquitto client from `options`. Throws UsageError when the library
    /// refuses a setting (e.g. an invalid client id).
    explicit BrokerLink(const Options& options);
    ~BrokerLink() override;
    BrokerLink(const BrokerLink&) = delete;
    BrokerLink& operator=(const BrokerLink&) = delete;

    /// Connects and runs the loop until the job is finished or the connection ends.
    Outcome run(Client& client);

    void finish(Outcome outcome) override;
    bool finishing() const override { return m_outcome.has_value(); }
    bool connected() const override { return m_state == LinkState::connected || m_state == LinkState::disconnecting; }
    int connack_flags() const override { return m_connack_flags; }
    int broker_receive_maximum() const override { return m_receive_maximum; }
    /// CONNECT's and the will's properties are sent by the link itself.
    const mosquitto_property* properties(PropertyCommand command) const override;
    void warn(const std::string& text) const override;
    bool want_write() const override;
    int publish(int* mid, const char* topic, std::string_view payload, int qos, bool retain,
                const mosquitto_property* properties) override;
    int subscribe(int* mid, std::span<const std::string> filters, int qos, int options,
                  const mosquitto_property* properties) override;
    int unsubscribe(int* mid, std::span<const std::string> filters, const mosquitto_property* properties) override;
    std::optional<TlsSummary> tls_summary() const override;

    const Options& options() const { return m_options; }

private:
    static void on_connect_cb(mosquitto*, void*, int, int, const mosquitto_property*);
    static void on_disconnect_cb(mosquitto*, void*, int, const mosquitto_property*);
    static void on_publish_cb(mosquitto*, void*, int, int, const mosquitto_property*);
    static void on_message_cb(mosquitto*, void*, const mosquitto_message*, const mosquitto_property*);
    static void on_subscribe_cb(mosquitto*, void*, int, int, const int*, const mosquitto_property*);
    static void on_unsubscribe_cb(mosquitto*, void*, int, const mosquitto_property*);
    static void on_log_cb(mosquitto*, void*, int, const char*);
    /// The connection ended without a reason from the broker: reconnect, or end the job
    /// with `text` (or as taken over).
    void lost(bool was_connected, std::string text);

    /// Marks the time libmosquitto spends in one of our callbacks (see finish()).
    class InCallback {
    public:
        explicit InCallback(BrokerLink& link) : m_link(link) { ++m_link.m_callback_depth; }
        ~InCallback() { --m_link.m_callback_depth; }
        InCallback(const InCallback&) = delete;
        InCallback& operator=(const InCallback&) = delete;

    private:
        BrokerLink& m_link;
        ReadGuardPause m_guard_pause;
    };

    /// `outcome` with the endpoint in its line when the job ended because the broker could
    /// not be reached (before any CONNACK): the one place that names it, for every tool.
    Outcome naming_endpoint(Outcome outcome) const;
    void configure();
    void send_disconnect();
    Outcome connect(const Client& client);
    /// Opens the bridge and connects libmosquitto to it (--ws, --proxy http://).
    Outcome connect_bridge(std::optional<Clock::time_point> deadline, const mosquitto_property* properties);
    /// The outcome of a connection that ended before CONNACK because of TLS, if it did (see
    /// Tls::failure for the flags).
    std::optional<Outcome> tls_failure(bool in_connect, bool tls_error) const;
    void step(Client& client);
    /// Looks at the first bytes of the broker's side of a plain TCP connection (before
    /// libmosquitto reads them): a TLS record or a reset says the port wants TLS.
    void note_first_reply(int fd);
    /// The broker sent a packet libmosquitto cannot take: DISCONNECT (0x81) and end with 7.
    void refuse_malformed();
    /// The loop of one connection, until its socket is gone.
    void run_connection(Client& client);
    /// After a lost connection: connects again, retrying with growing pauses for up to
    /// --reconnect-timeout. False when the job ends instead (m_outcome says why).
    bool reconnect(Client& client);
    /// Sleeps until `until` or a signal; false if the job ended meanwhile (signal, -W).
    bool pause(Client& client, Clock::time_point until);
    /// The first connection, made again with --wait-for-broker while it fails the way a
    /// broker (or proxy) that is still starting makes it fail; the last attempt's outcome.
    Outcome connect_first(Client& client);
    /// --wait-for-broker: after the first connection `failed`, pauses (a little longer each
    /// time) and says whether to try again: false past the deadline, for a failure that
    /// will not change, or when the job ended meanwhile (then m_outcome says why).
    bool wait_for_broker(Client& client, const Outcome& failed);
    /// Forgets the state of the connection that ended, before the next one.
    void reset_connection_state();
    /// Reads one pending signal from the signalfd and hands it to the client.
    void take_signal(Client& client);
    int poll_timeout(const Client& client) const;

    const Options& m_options;
    mosquitto* m_mosq = nullptr;
    std::optional<Tls> m_tls;
    std::optional<SrvTarget> m_srv_target;  ///< -S: the broker the last lookup chose
    std::unique_ptr<Bridge> m_bridge;       ///< --ws, --proxy http://: libmosquitto talks to it
    Client* m_client = nullptr;
    int m_signal_fd = -1;
    /// Where one connection is: connecting → connected → disconnecting → closed_answered,
    /// or connecting → refused → closed_answered; connecting → closed_unanswered when it
    /// ends before any CONNACK. Any state goes to its closed one when the socket goes.
    enum class LinkState : std::uint8_t {
        connecting,         ///< the socket is open (or opening); no CONNACK yet
        refused,            ///< a CONNACK refused us; the job is ending
        connected,          ///< a CONNACK accepted us; the job may send
        disconnecting,      ///< our DISCONNECT is written; the broker closes next
        closed_unanswered,  ///< the socket is gone (or given up) before any CONNACK
        closed_answered,    ///< the socket is gone (or given up) after a CONNACK
    };
    LinkState m_state = LinkState::connecting;
    bool closed() const { return m_state == LinkState::closed_unanswered || m_state == LinkState::closed_answered; }
    /// The broker answered CONNECT on this connection (accepting or refusing).
    bool answered() const { return m_state != LinkState::connecting && m_state != LinkState::closed_unanswered; }
    /// The socket is gone or given up: to the closed state that keeps whether CONNACK came.
    void close() { m_state = answered() ? LinkState::closed_answered : LinkState::closed_unanswered; }
    /// The broker's port: the one the SRV lookup chose, or the options' one.
    int broker_port() const { return m_srv_target ? m_srv_target->port : m_options.effective_port(); }
    bool m_malformed = false;       ///< a packet broke libmosquitto's reader: never read again
    bool m_disconnect_due = false;  ///< finish() ran inside a callback: send DISCONNECT after it
    int m_callback_depth = 0;
    /// What the broker's side of a plain TCP connection sent first, until CONNACK.
    enum class FirstReply { none, mqtt, tls, reset };
    FirstReply m_first_reply = FirstReply::none;
    int m_cork_fd = -1;  ///< the broker's TCP socket, corked while a turn writes (-1: not TCP)
    /// Serves libmosquitto's reads of m_cork_fd without TLS (socket_reads.h).
    SocketReads m_reads;
    /// Bytes of the broker's already read into m_reads, for a job that takes messages.
    bool buffered_input(const Client& client) const;
    int m_receive_maximum = 65535;
    int m_connack_flags = 0;
    PropertyList m_publish_properties;
    PropertyList m_subscribe_properties;
    PropertyList m_unsubscribe_properties;
    PropertyList m_disconnect_properties;
    std::optional<Outcome> m_outcome;
    Clock::time_point m_finish_deadline{};
    std::optional<Clock::time_point> m_connect_deadline;  ///< --connect-timeout: CONNACK by then
    bool m_reconnect_pending = false;                     ///< the connection was lost; connect again
    std::string m_lost_text;                              ///< why it was lost, for when reconnecting fails
    /// Set from a lost connection until a new one proves stable: when to stop trying.
    std::optional<Clock::time_point> m_reconnect_give_up;
    static constexpr std::chrono::milliseconds k_first_reconnect_delay{100};
    static constexpr std::chrono::milliseconds k_last_reconnect_delay{2000};
    std::chrono::milliseconds m_reconnect_delay = k_first_reconnect_delay;
    /// --wait-for-broker's deadline, until the first CONNACK.
    std::optional<Clock::time_point> m_wait_until;
    static constexpr std::chrono::milliseconds k_first_wait_delay{100};
    static constexpr std::chrono::milliseconds k_last_wait_delay{1000};
    std::chrono::milliseconds m_wait_delay = k_first_wait_delay;
    /// When the last reconnect got its CONNACK; a loss soon after is a session taken over.
    std::optional<Clock::time_point> m_reconnected_at;
    static constexpr std::chrono::seconds k_takeover_window{3};
};

}  // namespace mqtt
