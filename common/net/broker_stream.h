// The bridge's own connection to the broker: TCP with a deadline, then an HTTP proxy's
// CONNECT, then TLS, each step failing with its own line; then non-blocking reads and
// writes for the poll loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "exit_status.h"
#include "options.h"
#include "tls.h"

namespace mqtt {

using Clock = std::chrono::steady_clock;

/// When the set-up must be over: -W's deadline ("Timed out", status 27), else the bound of
/// --connect-timeout or keepalive seconds, whichever is shorter (SetupStep::silence).
struct SetupDeadline {
    Clock::time_point at;
    bool user = false;  ///< -W's
    int seconds = 0;    ///< the bound, for the message
};

/// One step of the set-up, for its error lines.
struct SetupStep {
    const char* name;     ///< in "Error: <name>: <why>." when the step fails
    int status;           ///< the exit status of its failures
    int silent_status;    ///< the exit status when nothing answers it by the deadline
    const char* silence;  ///< that line without "Error: ", with {} for the seconds
};

/// The set-up steps BrokerStream runs; a WebSocket upgrade on top is the bridge's.
inline constexpr SetupStep k_tcp_step{"TCP connect", ExitStatus::unreachable, ExitStatus::unreachable,
                                      "Connecting to the broker timed out after {} seconds."};
inline constexpr SetupStep k_proxy_tcp_step{"TCP connect", ExitStatus::unreachable, ExitStatus::unreachable,
                                            "Connecting to the HTTP proxy timed out after {} seconds."};
inline constexpr SetupStep k_proxy_step{"HTTP proxy", ExitStatus::http_refused, ExitStatus::no_connack,
                                        "The HTTP proxy did not answer CONNECT within {} seconds."};
inline constexpr SetupStep k_tls_step{"TLS handshake", ExitStatus::tls_failed, ExitStatus::no_connack,
                                      "The broker did not answer the TLS handshake within {} seconds."};

class BrokerStream {
public:
    /// Connects to the broker (or the --proxy http:// proxy, which is asked for a tunnel),
    /// then runs TLS when the options turn it on. Throws Failure with the exit status and
    /// the one line: name lookup and TCP errors 6, proxy refusals 15, TLS failures 12, a
    /// step nobody answers 19 (see SetupStep), and 27 ("Timed out") at -W's `deadline`.
    BrokerStream(const Options& options, const SetupDeadline& deadline);
    ~BrokerStream();
    BrokerStream(const BrokerStream&) = delete;
    BrokerStream& operator=(const BrokerStream&) = delete;

    int fd() const { return m_fd; }

    /// Result of a non-blocking read or write: bytes moved, or one of these.
    static constexpr long k_again = -1;   ///< nothing now: poll (see wants_write)
    static constexpr long k_closed = -2;  ///< the broker closed the connection
    /// On an error, returns k_closed with the reason in error().
    long read(char* buffer, std::size_t size);
    long write(const char* bytes, std::size_t size);
    /// TLS needs POLLOUT before the last call can go on.
    bool wants_write() const { return m_wants_write; }
    /// Bytes TLS has already decrypted: read() returns them without polling.
    bool pending() const;
    /// Why the connection ended, when it ended in an error ("" for an orderly close).
    const std::string& error() const { return m_error; }

    /// Writes all of `bytes` before `deadline`, as part of `step`; throws Failure.
    void write_all(std::string_view bytes, const SetupDeadline& deadline, const SetupStep& step);
    /// Reads what is there, waiting until `deadline`; "" when the broker closed. Throws.
    std::string read_some(const SetupDeadline& deadline, const SetupStep& step);

private:
    void open_tcp(const std::string& host, int port, const SetupDeadline& deadline, const SetupStep& step);
    void http_connect(const SetupDeadline& deadline);
    void start_tls(const SetupDeadline& deadline);
    /// What a failed SSL_read or SSL_write (returning `rc`) means: k_again or k_closed.
    long tls_result(int rc);
    /// Waits for `events` on the socket until `deadline`; throws after it (see SetupStep).
    void wait(short events, const SetupDeadline& deadline, const SetupStep& step) const;

    const Options& m_options;
    int m_fd = -1;
    std::unique_ptr<BridgeTls> m_tls;
    ssl_st* m_ssl = nullptr;
    bool m_wants_write = false;
    std::string m_error;
    int m_errno = 0;  ///< the errno behind m_error, when there is one
};

}  // namespace mqtt
