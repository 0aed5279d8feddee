// The exit-status table shared by every tool; the man pages copy it (EXIT STATUS).
#pragma once

#include <string>

namespace mqtt {

/// Statuses a script can rely on. CONNACK refusals keep the broker's code, as upstream:
/// MQTT 3.1/3.1.1 return codes 1-5, MQTT 5 reason codes 128-162.
namespace ExitStatus {
inline constexpr int success = 0;
inline constexpr int usage = 1;               ///< bad option, value or input file
inline constexpr int unreachable = 6;         ///< name lookup or TCP/socket connect failed
inline constexpr int connection_lost = 7;     ///< the connection ended before the job was done
inline constexpr int publish_refused = 8;     ///< a PUBACK/PUBREC carried a failure reason
inline constexpr int subscribe_refused = 9;   ///< a SUBACK refused a filter
inline constexpr int disconnected = 10;       ///< the broker ended the connection with an MQTT 5 DISCONNECT reason
inline constexpr int interrupted = 11;        ///< SIGINT/SIGTERM before the job was done
inline constexpr int tls_failed = 12;         ///< the TLS handshake failed or the broker's certificate did not verify
inline constexpr int incomplete = 13;         ///< messages were sent but never acknowledged
inline constexpr int taken_over = 14;         ///< another client connected with the same client id
inline constexpr int http_refused = 15;       ///< the WebSocket upgrade or the HTTP proxy refused, or the port does not speak WebSocket
inline constexpr int no_connack = 19;         ///< the broker did not answer CONNECT in time
inline constexpr int timed_out = 27;          ///< -W expired
inline constexpr int requirement_failed = 30; ///< mqtt-bench: the run did not meet a --require threshold
}  // namespace ExitStatus

/// The outcome of an MQTT 5 DISCONNECT from the broker with `reason_code` (>= 0x80) and
/// its reason string (may be empty): status and the one stderr line.
struct BrokerDisconnect {
    int status;
    std::string text;
};
BrokerDisconnect broker_disconnect(int reason_code, const std::string& reason_string, const std::string& client_id);

/// The exit status for a refused connection: the CONNACK return/reason code itself.
int connack_status(int reason_code);

/// The status for a send call (publish) that libmosquitto refused with `rc`: the connection
/// is gone (7) or the message was not taken (8).
int send_failure_status(int rc);

/// "Connection error: <reason>" as upstream words it for `reason_code` in `protocol`.
std::string connack_error_text(int reason_code, int protocol);

}  // namespace mqtt
