// A scripted MQTT server for what a real mosquitto cannot be made to do (a refused
// SUBACK, a server DISCONNECT with a reason code): it accepts connections on a free
// 127.0.0.1 port in a background thread and runs the test's script on each one.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace test {

/// One MQTT control packet as read from or written to the wire.
struct Packet {
    std::uint8_t type = 0;   ///< high nibble of the first byte (1 CONNECT, 8 SUBSCRIBE, ...)
    std::uint8_t flags = 0;  ///< low nibble
    std::string body;        ///< variable header and payload
};

/// A client connection as the script sees it. Reads and writes are bounded by a timeout;
/// a failed read returns false (the client closed, or nothing came in time).
class FakeConnection {
public:
    explicit FakeConnection(int fd) : m_fd(fd) {}
    bool read(Packet& packet, int timeout_ms = 5000);
    void send(const Packet& packet);
    /// Writes `bytes` as they are (e.g. half a packet); false when the client went away first.
    bool send_raw(const std::string& bytes);
    /// The protocol level the client's CONNECT asked for (4 = 3.1.1, 5 = 5.0), once read.
    int protocol = 4;

private:
    int m_fd;
    std::string m_buffer;
};

/// Builders for the server's side of the packets the scripts need.
Packet connack(int protocol, std::uint8_t code);
Packet suback(int protocol, std::uint16_t mid, const std::vector<std::uint8_t>& codes);
Packet disconnect(int protocol, std::uint8_t reason);
/// An MQTT 5 PUBACK (type 4) or PUBREC (type 5) for `mid` with `reason` and, if not
/// empty, a reason-string property.
Packet ack(std::uint8_t type, std::uint16_t mid, std::uint8_t reason, const std::string& reason_string = {});
/// The packet identifier at the start of a SUBSCRIBE, PUBLISH (QoS>0) etc. body.
std::uint16_t packet_id(const Packet& packet, std::size_t offset = 0);
/// The packet identifier of a QoS 1/2 PUBLISH (after its topic).
std::uint16_t publish_id(const Packet& publish);
/// Reads the client's CONNECT and answers with a CONNACK that accepts it; false if
/// something else (or nothing) came.
bool accept(FakeConnection& client);
/// Reads the client's SUBSCRIBE and grants it (QoS 0); false if something else came.
bool grant_subscription(FakeConnection& client);
/// Reads until the client closes or sends DISCONNECT (or nothing comes for a read timeout).
void drain(FakeConnection& client);

class FakeBroker {
public:
    using Script = std::function<void(FakeConnection&)>;
    /// Listens now; runs `script` for each accepted connection, one at a time.
    explicit FakeBroker(Script script);
    ~FakeBroker();
    FakeBroker(const FakeBroker&) = delete;
    FakeBroker& operator=(const FakeBroker&) = delete;

    int port() const { return m_port; }
    std::string port_str() const { return std::to_string(m_port); }
    /// Connections whose script ran to its end.
    int served() const { return m_served.load(); }

private:
    void serve();
    Script m_script;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_served{0};
    std::thread m_thread;
};

}  // namespace test
