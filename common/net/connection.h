// What a job sees of its link to the broker, and what a job is to that link.
//
// The jobs (publisher, subscriber, requester, probe) reach the broker only through
// Connection: publish, subscribe, unsubscribe, whether the socket still has bytes to
// write, and how to end. What arrives from the broker reaches them as calls on Client. So a
// unit test drives a job with a fake connection (tests/unit/fake_connection.h), with no
// process and no broker, as ninja tests its builder with a fake command runner. The real
// link is BrokerLink (broker_link.h): libmosquitto and its poll() loop.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <mosquitto.h>
#include <poll.h>

#include "properties.h"

namespace mqtt {

using Clock = std::chrono::steady_clock;

/// How many descriptors a job may add to the loop's poll() (Client::job_fds).
inline constexpr std::size_t k_max_job_fds = 160;

/// How a job ended: the exit status and, for failures, the one line for stderr.
struct Outcome {
    int status = 0;
    std::string text;
    /// A broker or proxy that is still starting fails so: connecting again may succeed
    /// (--wait-for-broker).
    bool transient = false;
};

/// What the TLS handshake settled, for the probe's "tls" member.
struct TlsSummary {
    std::string version;                      ///< e.g. "TLSv1.3"
    std::string cipher;                       ///< e.g. "TLS_AES_256_GCM_SHA384"
    std::optional<std::string> peer_subject;  ///< RFC 2253, e.g. "CN=localhost,O=Test"
    std::optional<std::string> peer_issuer;
    std::optional<std::string> peer_not_after;  ///< ISO 8601 UTC, e.g. "2027-12-01T19:21:36Z"
};

/// The link to the broker as a job uses it. The send calls follow libmosquitto's contract:
/// MOSQ_ERR_SUCCESS (and the message id in *mid when mid is not null), or an error code
/// (exit_status.h turns one into a status).
class Connection {
public:
    virtual ~Connection() = default;

    /// True between CONNACK success and the end of the connection.
    virtual bool connected() const = 0;
    /// Ends the job with `outcome`: DISCONNECT when connected, then the loop ends. The first
    /// outcome given wins.
    virtual void finish(Outcome outcome) = 0;
    virtual bool finishing() const = 0;
    /// The flags of the CONNACK (bit 0: session present), 0 before it.
    virtual int connack_flags() const = 0;
    /// Messages the broker lets us have in flight (MQTT 5 receive maximum, else 65535).
    virtual int broker_receive_maximum() const = 0;
    /// The -D properties for PUBLISH, SUBSCRIBE, UNSUBSCRIBE or DISCONNECT (nullptr when
    /// there are none).
    virtual const mosquitto_property* properties(PropertyCommand command) const = 0;
    /// Prints a warning line on stderr unless --quiet.
    virtual void warn(const std::string& text) const = 0;
    /// Bytes are still queued for the socket: a publisher holds back (back-pressure).
    virtual bool want_write() const = 0;
    /// Queues a PUBLISH; `topic` null means the topic alias in `properties` alone.
    virtual int publish(int* mid, const char* topic, std::string_view payload, int qos, bool retain,
                        const mosquitto_property* properties) = 0;
    /// Queues one SUBSCRIBE for `filters`, each with `qos` and the MQTT 5 `options`.
    virtual int subscribe(int* mid, std::span<const std::string> filters, int qos, int options,
                          const mosquitto_property* properties) = 0;
    /// Queues one UNSUBSCRIBE for `filters`.
    virtual int unsubscribe(int* mid, std::span<const std::string> filters, const mosquitto_property* properties) = 0;
    /// What TLS negotiated; nullopt without TLS.
    virtual std::optional<TlsSummary> tls_summary() const = 0;
};

/// A job: what the publisher, subscriber, requester and probe implement. The broker's
/// packets arrive as on_* calls from inside the connection's loop; they must not throw.
/// pump() and on_input() run outside them, so what they publish is written at once.
class Client {
public:
    virtual ~Client() = default;
    /// The broker accepted the connection (CONNACK success). `properties` may be null.
    virtual void on_connected(Connection& connection, const mosquitto_property* properties) = 0;
    /// The broker refused the connection (CONNACK `reason_code`); the connection then ends
    /// with the refusal's status.
    virtual void on_refused(Connection&, int /*reason_code*/, const mosquitto_property*) {}
    virtual void on_publish(Connection&, int /*mid*/, int /*reason*/, const mosquitto_property*) {}
    virtual void on_message(Connection&, const mosquitto_message&, const mosquitto_property*) {}
    virtual void on_subscribe(Connection&, int /*mid*/, std::span<const int> /*granted*/) {}
    virtual void on_unsubscribe(Connection&, int /*mid*/) {}
    /// Every loop turn, while connected and not finishing: send what can be sent now.
    virtual void pump(Connection&) {}
    /// An fd to watch for reading now (e.g. stdin), or -1.
    virtual int input_fd() const { return -1; }
    virtual void on_input(Connection&) {}
    /// More descriptors to watch (e.g. the stdin pipes and exits of --exec commands): fills
    /// at most `room` entries of `fds`, returns how many.
    virtual std::size_t job_fds(pollfd* /*fds*/, std::size_t /*room*/) { return 0; }
    /// poll() returned: `fds` are what job_fds() filled, with their revents.
    virtual void on_job_fds(Connection&, const pollfd* /*fds*/, std::size_t /*count*/) {}
    /// False while the job can take no more messages: the loop stops reading the broker's
    /// socket until it can (back-pressure; the broker holds the rest).
    virtual bool takes_messages() const { return true; }
    /// Every loop turn, connected or not: check timers (e.g. -W) and output state.
    virtual void on_tick(Connection&) {}
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
    /// SIGINT, SIGTERM or SIGHUP arrived: by default the job ends with status 4.
    virtual void on_signal(Connection& connection, int signal);
    /// True when a lost connection should be made again (--reconnect-timeout), the job
    /// going on where it stopped.
    virtual bool reconnects() const { return false; }
    /// The connection was lost and will be made again; on_connected follows when it is.
    virtual void on_connection_lost(Connection&) {}
};

}  // namespace mqtt
