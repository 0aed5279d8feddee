// A server that accepts TCP connections and never says anything, for the tests of what the
// tools do when a broker, a WebSocket server or a proxy hangs (errors_test.cpp,
// websockets_test.cpp): a real broker cannot be made to do this.
#pragma once

#include "e2e.h"

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace e2e {

/// Listens on 127.0.0.1 and never accepts: the kernel completes each TCP handshake (the
/// backlog), then nothing answers.
class SilentServer {
public:
    /// On `port` (e.g. where a stopped broker was), or on a free one.
    explicit SilentServer(int port = 0)
    {
        const test::Listener listener = test::listen_loopback(port);
        m_fd = listener.fd;
        m_port = listener.port;
    }
    ~SilentServer() { ::close(m_fd); }
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;

    std::string port_str() const { return std::to_string(m_port); }
    /// The listening socket (for a server that does accept, see wait_for_broker_test.cpp).
    int fd() const { return m_fd; }

private:
    int m_fd = -1;
    int m_port = 0;
};

}  // namespace e2e
