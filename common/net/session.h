// The connection to the broker: one libmosquitto client (RAII) configured from Options, and
// one single-threaded poll() loop over the broker socket, the client's input fd, signals and
// timers. The loop drives libmosquitto itself (no loop_start thread) and turns library
// callbacks into calls on a Client (the publisher or the subscriber).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <mosquitto.h>

#include "endpoint.h"
#include "options.h"
#include "property_list.h"
#include "read_guard.h"
#include "tls.h"

namespace mqtt {

using Clock = std::chrono::steady_clock;

class Session;
class Bridge;

/// How a job ended: the exit status and, for failures, the one line for stderr.
struct Outcome {
    int status = 0;
    std::string text;
    /// A broker or proxy that is still starting fails so: connecting again may succeed
    /// (--wait-for-broker).
    bool transient = false;
};

/// What the publisher and subscriber implement. Library callbacks arrive as on_* calls;
/// they must not throw. pump() and on_input() run outside library callbacks, so what they
/// publish is written at once.
class Client {
public:
    virtual ~Client() = default;
    /// The broker accepted the connection (CONNACK success). `properties` may be null.
    virtual void on_connected(Session& session, const mosquitto_property* properties) = 0;
    /// The broker refused the connection (CONNACK `reason_code`); the session then ends
    /// with the refusal's status.
    virtual void on_refused(Session&, int /*reason_code*/, const mosquitto_property*) {}
    virtual void on_publish(Session&, int /*mid*/, int /*reason*/, const mosquitto_property*) {}
    virtual void on_message(Session&, const mosquitto_message&, const mosquitto_property*) {}
    virtual void on_subscribe(Session&, int /*mid*/, std::span<const int> /*granted*/) {}
    virtual void on_unsubscribe(Session&, int /*mid*/) {}
    /// Every loop turn, while connected and not finishing: send what can be sent now.
    virtual void pump(Session&) {}
    /// An fd to watch for reading now (e.g. stdin), or -1.
    virtual int input_fd() const { return -1; }
    virtual void on_input(Session&) {}
    /// Every loop turn, connected or not: check timers (e.g. -W) and output state.
    virtual void on_tick(Session&) {}
    /// How many unacknowledged messages the job wants the broker to send at once (the MQTT 5
    /// receive maximum in CONNECT), when it wants fewer than the broker's default.
    virtual std::optional<int> receive_maximum() const { return std::nullopt; }
    /// When the whole job must be over (e.g. -W), if ever; it bounds connecting too.
    virtual std::optional<Clock::time_point> deadline() const { return std::nullopt; }
    /// When pump() or on_tick() must run again even without I/O (a timer), if ever.
    virtual std::optional<Clock::time_point> wake_at() const { return std::nullopt; }
    /// The loop is about to sleep, or the job is over: write buffered output. Returns the
    /// outcome of a failed write (the job cannot count as done), else nullopt.
    virtual std::optional<Outcome> flush() { return std::nullopt; }
    /// SIGINT, SIGTERM or SIGHUP arrived.
    virtual void on_signal(Session& session, int signal);
    /// True when a lost connection should be made again (--reconnect-timeout), the job
    /// going on where it stopped.
    virtual bool reconnects() const { return false; }
    /// The connection was lost and the session will try to connect again; on_connected
    /// follows when it succeeds.
    virtual void on_connection_lost(Session&) {}
};

class Session {
public:
    /// Creates the libmosquitto client from `options`. Throws UsageError when the library
    /// refuses a setting (e.g. an invalid client id).
    explicit Session(const Options& options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Connects and runs the loop until the job is finished or the connection ends.
    Outcome run(Client& client);

    /// Ends the job with `outcome`: sends DISCONNECT when connected, then the loop ends.
    /// The first outcome given wins.
    void finish(Outcome outcome);
    bool finishing() const { return m_outcome.has_value(); }

    mosquitto* handle() { return m_mosq; }
    const Options& options() const { return m_options; }
    /// The flags of the CONNACK (bit 0: session present), 0 before it.
    int connack_flags() const { return m_connack_flags; }
    /// True between CONNACK success and the end of the connection.
    bool connected() const { return m_connected; }
    /// Messages the broker lets us have in flight (MQTT 5 receive maximum, else 65535).
    int broker_receive_maximum() const { return m_receive_maximum; }
    /// The -D properties for PUBLISH, SUBSCRIBE, UNSUBSCRIBE or DISCONNECT, ready for
    /// libmosquitto (nullptr when there are none). CONNECT's and the will's are sent by
    /// the session itself.
    const mosquitto_property* properties(PropertyCommand command) const;
    /// Prints a warning line on stderr unless --quiet.
    void warn(const std::string& text) const;

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
        explicit InCallback(Session& session) : m_session(session) { ++m_session.m_callback_depth; }
        ~InCallback() { --m_session.m_callback_depth; }
        InCallback(const InCallback&) = delete;
        InCallback& operator=(const InCallback&) = delete;

    private:
        Session& m_session;
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
    /// TCP_CORK on the broker's socket from the end of one poll() to the start of the next.
    void set_cork(bool on);
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
    std::unique_ptr<Bridge> m_bridge;  ///< --ws, --proxy http://: libmosquitto talks to it
    Client* m_client = nullptr;
    int m_signal_fd = -1;
    bool m_connected = false;     ///< CONNACK success seen, socket still open
    bool m_got_connack = false;
    bool m_closed = false;        ///< the socket is gone
    bool m_disconnect_sent = false;
    bool m_malformed = false;     ///< a packet broke libmosquitto's reader: never read again
    bool m_disconnect_due = false;  ///< finish() ran inside a callback: send DISCONNECT after it
    int m_callback_depth = 0;
    /// What the broker's side of a plain TCP connection sent first, until CONNACK.
    enum class FirstReply { none, mqtt, tls, reset };
    FirstReply m_first_reply = FirstReply::none;
    int m_cork_fd = -1;           ///< the broker's TCP socket, corked while a turn writes (-1: not TCP)
    bool m_corked = false;
    int m_receive_maximum = 65535;
    int m_connack_flags = 0;
    PropertyList m_publish_properties;
    PropertyList m_subscribe_properties;
    PropertyList m_unsubscribe_properties;
    PropertyList m_disconnect_properties;
    std::optional<Outcome> m_outcome;
    Clock::time_point m_finish_deadline{};
    std::optional<Clock::time_point> m_connect_deadline;  ///< --connect-timeout: CONNACK by then
    bool m_reconnect_pending = false;  ///< the connection was lost; connect again
    std::string m_lost_text;           ///< why it was lost, for when reconnecting fails
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
