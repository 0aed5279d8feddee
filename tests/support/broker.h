// A real mosquitto broker for end-to-end tests: started on a free 127.0.0.1 port with a
// generated configuration in a private temporary folder, stopped by PID when destroyed.
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>

namespace test {

/// What the generated mosquitto.conf should contain beyond the listener.
struct BrokerConfig {
    /// When set, anonymous clients are refused and this user/password is the only account.
    std::string username;
    std::string password;
    /// Extra lines appended verbatim to mosquitto.conf (e.g. "message_size_limit 100").
    std::string extra;
};

/// Starts `mosquitto -c <generated conf>` and waits (bounded) until it accepts connections.
/// Throws std::runtime_error with the broker's log when it cannot be started.
class Broker {
public:
    explicit Broker(BrokerConfig config = {});
    ~Broker();
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    int port() const { return m_port; }
    std::string port_str() const { return std::to_string(m_port); }
    const std::string& dir() const { return m_dir; }

    /// The broker's log so far (log_type all).
    std::string log() const;
    /// Waits until the log contains `needle` (checked every few ms), at most `timeout`.
    bool wait_for_log(const std::string& needle,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    /// Waits until the broker has sent a SUBACK to `client_id`: the subscription exists.
    bool wait_for_suback(const std::string& client_id,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

    /// Stops the broker now (SIGTERM, then SIGKILL after a bound); idempotent.
    void stop();

private:
    BrokerConfig m_config;
    std::string m_dir;
    int m_port = 0;
    pid_t m_pid = -1;
};

}  // namespace test
