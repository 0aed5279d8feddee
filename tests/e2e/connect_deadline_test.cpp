// -W bounds the whole run, the TCP connect included: a listener whose accept queue is full
// drops further SYNs, so a connect to it hangs until the deadline interrupts it.
#include "e2e.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace e2e;

namespace {

/// A TCP listener on 127.0.0.1 that never accepts, with its backlog already filled.
class BlackHole {
public:
    BlackHole()
    {
        const test::Listener listener = test::listen_loopback(0, 0);
        m_listener = listener.fd;
        m_port = static_cast<std::uint16_t>(listener.port);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(m_port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int& filler : m_fillers) {
            filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            ::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address);
        }
    }
    ~BlackHole()
    {
        for (int filler : m_fillers) ::close(filler);
        ::close(m_listener);
    }
    BlackHole(const BlackHole&) = delete;
    BlackHole& operator=(const BlackHole&) = delete;

    std::string port() const { return std::to_string(m_port); }

private:
    int m_listener = -1;
    int m_fillers[3] = {-1, -1, -1};
    unsigned short m_port = 0;
};

}  // namespace

TEST_CASE("connect deadline: -W interrupts a TCP connect that hangs")
{
    BlackHole hole;
    const auto start = Clock::now();
    const test::Result r = test::run(command("mqtt-sub", {"-h", "127.0.0.1", "-p", hole.port(), "-t", "x", "-W", "1"}), {}, 15s);
    check_ended(r, 27, "", "Timed out\n");
    CHECK(seconds_since(start) >= 0.9);
}

TEST_CASE("connect deadline: --connect-timeout interrupts a TCP connect that hangs: 6")
{
    BlackHole hole;
    const auto start = Clock::now();
    const test::Result r = test::run(
        command("mqtt-pub", {"-h", "127.0.0.1", "-p", hole.port(), "--connect-timeout", "2", "-t", "x", "-m", "y"}), {}, 15s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 6);
    CHECK(r.err ==
          "Error: Connecting to the broker timed out after 2 seconds. Broker: 127.0.0.1 port " + hole.port() + " over TCP.\n");
    CHECK(seconds_since(start) >= 1.9);
}
