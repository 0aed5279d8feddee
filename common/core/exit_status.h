// The exit-status table shared by every tool; the man pages copy it (EXIT STATUS).
#pragma once

#include <optional>
#include <string>

namespace mqtt {

/// Statuses a script can rely on. CONNACK refusals keep the broker's code, as upstream:
/// MQTT 3.1/3.1.1 return codes 1-5, MQTT 5 reason codes 128-162.
namespace ExitStatus {
inline constexpr int success = 0;
inline constexpr int usage = 1;              ///< bad option, value or input file
inline constexpr int unreachable = 6;        ///< name lookup or TCP/socket connect failed
inline constexpr int connection_lost = 7;    ///< the connection ended before the job was done
inline constexpr int publish_refused = 8;    ///< a PUBACK/PUBREC carried a failure reason
inline constexpr int subscribe_refused = 9;  ///< a SUBACK refused a filter
inline constexpr int disconnected = 10;      ///< the broker ended the connection with an MQTT 5 DISCONNECT reason
inline constexpr int interrupted = 11;       ///< SIGINT/SIGTERM before the job was done
inline constexpr int tls_failed = 12;        ///< the TLS handshake failed or the broker's certificate did not verify
inline constexpr int incomplete = 13;        ///< messages were sent but never acknowledged
inline constexpr int taken_over = 14;        ///< another client connected with the same client id
inline constexpr int http_refused =
    15;  ///< the WebSocket upgrade or the HTTP proxy refused, or the port does not speak WebSocket
inline constexpr int commands_failed = 16;     ///< mqtt-sub --exec: a command failed (or could not start)
inline constexpr int no_connack = 19;          ///< the broker did not answer CONNECT in time
inline constexpr int timed_out = 27;           ///< -W expired
inline constexpr int requirement_failed = 30;  ///< mqtt-bench: the run did not meet a --require threshold
}  // namespace ExitStatus

/// How a job ends: its exit status and the one stderr line that says why.
struct StatusLine {
    int status;
    std::string text;
};

// Every libmosquitto code that ends a job is turned into a status here, so that "where does
// status 7 come from" is answered by this module: a refused connect call, a connection
// libmosquitto closed, a send call refused, a CONNACK refusal, the broker's DISCONNECT.
// The TLS module words its own handshake failures (12) and set-up errors (1).

/// The outcome of an MQTT 5 DISCONNECT from the broker with `reason_code` (>= 0x80) and
/// its reason string (may be empty): status and the one stderr line.
StatusLine broker_disconnect(int reason_code, const std::string& reason_string, const std::string& client_id);

/// The outcome of a connect call that libmosquitto refused with `rc`, `error` being errno
/// after it (TLS failures are the TLS module's to word).
StatusLine connect_call_status(int rc, int error);

/// What libmosquitto knows when it closes a connection (its on_disconnect code `rc`).
struct ClosedConnection {
    int rc;
    int protocol;               ///< the MQTT version spoken (3, 4 or 5)
    bool answered;              ///< the broker had answered CONNECT (accepting or refusing)
    int keepalive;              ///< seconds, for the CONNACK time-out text
    std::string reason_string;  ///< of the broker's MQTT 5 DISCONNECT, if any
    std::string client_id;      ///< ours, if set, for the taken-over text
};

/// The outcome of a closed connection when its cause ends the job at once: the broker's
/// MQTT 5 DISCONNECT (10 or 14), no CONNACK within the keep-alive (19), a malformed packet
/// (7: reconnecting would get the same), a SOCKS5 refusal (6). nullopt when the connection
/// was lost (a network failure or a plain close): the caller may connect again, and
/// lost_connection_text() words it.
std::optional<StatusLine> closed_connection_status(const ClosedConnection& closed);

/// The stderr line of a connection lost with libmosquitto's `rc` (status 7). `tls_port` is
/// the broker's port when its side of a plain connection began with a TLS record or a reset
/// (what a TLS listener does with a plain CONNECT): a line closed before CONNACK asks then
/// whether the port wants TLS.
std::string lost_connection_text(int rc, bool answered, std::optional<int> tls_port);

/// The exit status for a refused connection: the CONNACK return/reason code itself.
int connack_status(int reason_code);

/// The status for a send call (publish) that libmosquitto refused with `rc`: the connection
/// is gone (7) or the message was not taken (8).
int send_failure_status(int rc);

/// A publish call libmosquitto refused with `rc`: send_failure_status() and upstream's line.
StatusLine publish_call_status(int rc);

/// A subscribe call libmosquitto refused with `rc` (9) and upstream's line.
StatusLine subscribe_call_status(int rc);

/// The bridge's connect call (libmosquitto to the bridge's own unix socket) refused with
/// `rc`: unreachable (6), as the broker it stands for.
StatusLine bridge_connect_call_status(int rc);

/// mqtt-bench: a client's connect call refused with `rc`, `error` being errno after it. Every
/// refusal is unreachable (6), a bad argument too (the first client finds it: the run is
/// over); `text` is the reason alone, which the report counts per reason.
StatusLine bench_connect_call_status(int rc, int error);

/// "Connection error: <reason>" as upstream words it for `reason_code` in `protocol`.
std::string connack_error_text(int reason_code, int protocol);

}  // namespace mqtt
