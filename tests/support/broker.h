// A real mosquitto broker for end-to-end tests: started on a free 127.0.0.1 port with a
// generated configuration in a private temporary folder, stopped by PID when destroyed.
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>

namespace test {

/// A TCP port on 127.0.0.1 that is free now (someone may take it before it is bound: retry).
int free_port();
/// True when something accepts TCP connections on 127.0.0.1:`port`.
bool can_connect(int port);

/// A TCP socket listening on 127.0.0.1: the one way the tests' own servers (fake broker,
/// proxies, silent and flooding servers) listen.
struct Listener {
    int fd = -1;   ///< the listening socket; the caller closes it
    int port = 0;  ///< the port it is bound to
};
/// Listens on 127.0.0.1:`port` (0: a free port the kernel picks; SO_REUSEADDR, so a
/// stopped broker's port can be taken over) with `backlog`. Throws std::system_error.
Listener listen_loopback(int port = 0, int backlog = 16);

/// What the generated mosquitto.conf should contain beyond the listener.
struct BrokerConfig {
    /// When set, anonymous clients are refused and this user/password is the only account.
    std::string username;
    std::string password;
    /// Extra lines appended verbatim to mosquitto.conf (e.g. "message_size_limit 100").
    std::string extra;
    /// When not empty, a second listener on another free 127.0.0.1 port (Broker::second_port())
    /// configured by these lines, written after its "listener" line and after `extra` (e.g.
    /// "cafile ...", "certfile ...", "keyfile ...", "require_certificate true", "psk_hint h").
    std::string second_listener = {};  // "= {}": designated initializers may stop before it
    /// When true, a `protocol websockets` listener on Broker::ws_port(), configured further by
    /// `websockets_listener` lines (e.g. TLS). mosquitto binds it to every interface whatever
    /// address it is given, so its port is chosen free on all of them.
    bool websockets = false;
    std::string websockets_listener = {};
};

/// A 127.0.0.1 TCP port the kernel considers free now; someone may take it before it is used.
int free_port();
/// A TCP port free on every interface now (for listeners that bind them all).
int free_port_any();

/// Starts `mosquitto -c <generated conf>` and waits (bounded) until it accepts connections,
/// retrying on a new port if another process took the chosen one first. Throws
/// std::runtime_error with the broker's log when it cannot be started. The broker is a
/// child of the calling thread (see test::Child): create it from the test's own thread.
/// The log starts with the fixture's readiness probe, a bare TCP connection from 127.0.0.1
/// ("New connection from ..." then "Client <unknown> closed its connection."), normally
/// closed and logged by the time the constructor returns.
class Broker {
public:
    explicit Broker(BrokerConfig config = {});
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    int port() const { return m_port; }
    std::string port_str() const { return std::to_string(m_port); }
    /// The port of BrokerConfig::second_listener (0 when there is none).
    int second_port() const { return m_second_port; }
    std::string second_port_str() const { return std::to_string(m_second_port); }
    /// The port of the websockets listener (0 when there is none).
    int ws_port() const { return m_ws_port; }
    std::string ws_port_str() const { return std::to_string(m_ws_port); }
    const std::string& dir() const { return m_dir; }

    /// The broker's log so far (log_type all).
    std::string log() const;
    /// Waits until the log contains `needle` (checked every few ms), at most `timeout`.
    /// The whole log counts, including lines written before the call.
    bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    /// Waits until the broker has sent a SUBACK to `client_id`: the subscription exists.
    /// Any earlier SUBACK to the same id counts too: give each subscriber its own id.
    bool wait_for_suback(const std::string& client_id, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

    /// Stops the broker now (SIGTERM, then SIGKILL after a bound); idempotent. mosquitto
    /// 2.0.11 takes about 100 ms to act on SIGTERM, so each stop costs that much.
    void stop();
    /// Stops the broker and starts it again with the same configuration on the same ports
    /// (with `persistence true` in BrokerConfig::extra it keeps sessions and messages);
    /// returns once it accepts connections. log() then shows the new run only.
    void restart();

private:
    /// One attempt on fresh ports: false if a port was taken, throws on other failures.
    bool start();
    /// Starts mosquitto on the configured ports and waits until it accepts connections.
    bool launch();

    BrokerConfig m_config;
    std::string m_dir;
    int m_port = 0;
    int m_second_port = 0;
    int m_ws_port = 0;
    pid_t m_pid = -1;
};

}  // namespace test
