#include "fake_broker.h"

#include "broker.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace test {

namespace {

std::string encode_length(std::size_t length)
{
    std::string out;
    do {
        auto byte = static_cast<std::uint8_t>(length % 128);
        length /= 128;
        if (length > 0) byte |= 0x80;
        out += static_cast<char>(byte);
    } while (length > 0);
    return out;
}

/// The length of a complete packet at the start of `data`, or 0 if more bytes are needed.
std::size_t complete_length(const std::string& data, std::size_t& header)
{
    std::size_t length = 0, multiplier = 1;
    for (std::size_t i = 1; i < data.size() && i <= 4; ++i) {
        const auto byte = static_cast<std::uint8_t>(data[i]);
        length += (byte & 0x7Fu) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) == 0) {
            header = i + 1;
            return data.size() >= header + length ? header + length : 0;
        }
    }
    return 0;
}

}  // namespace

bool FakeConnection::read(Packet& packet, int timeout_ms)
{
    for (;;) {
        std::size_t header = 0;
        if (const std::size_t total = complete_length(m_buffer, header)) {
            const auto first = static_cast<std::uint8_t>(m_buffer[0]);
            packet.type = static_cast<std::uint8_t>(first >> 4);
            packet.flags = static_cast<std::uint8_t>(first & 0x0F);
            packet.body = m_buffer.substr(header, total - header);
            m_buffer.erase(0, total);
            if (packet.type == 1 && packet.body.size() >= 7) {
                protocol = static_cast<std::uint8_t>(packet.body[6]);  // after the protocol name "MQTT"
            }
            return true;
        }
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char chunk[4096];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

void FakeConnection::send(const Packet& packet)
{
    std::string bytes(1, static_cast<char>((packet.type << 4) | packet.flags));
    bytes += encode_length(packet.body.size());
    bytes += packet.body;
    send_raw(bytes);
}

bool FakeConnection::send_raw(const std::string& bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;  // the client went away; the script's next read tells
        done += static_cast<std::size_t>(n);
    }
    return true;
}

Packet connack(int protocol, std::uint8_t code)
{
    Packet p{2, 0, std::string{'\0', static_cast<char>(code)}};
    if (protocol == 5) p.body += '\0';  // no properties
    return p;
}

Packet suback(int protocol, std::uint16_t mid, const std::vector<std::uint8_t>& codes)
{
    Packet p{9, 0, std::string{static_cast<char>(mid >> 8), static_cast<char>(mid & 0xFF)}};
    if (protocol == 5) p.body += '\0';
    for (auto code : codes) p.body += static_cast<char>(code);
    return p;
}

Packet disconnect(int protocol, std::uint8_t reason)
{
    Packet p{14, 0, {}};
    if (protocol == 5) p.body = std::string{static_cast<char>(reason), '\0'};
    return p;
}

Packet ack(std::uint8_t type, std::uint16_t mid, std::uint8_t reason, const std::string& reason_string)
{
    std::string properties;
    if (!reason_string.empty()) {
        properties += '\x1F';  // reason string: identifier, two-byte length, UTF-8
        properties += static_cast<char>(reason_string.size() >> 8);
        properties += static_cast<char>(reason_string.size() & 0xFF);
        properties += reason_string;
    }
    return Packet{type, 0,
                  std::string{static_cast<char>(mid >> 8), static_cast<char>(mid & 0xFF), static_cast<char>(reason)} +
                      encode_length(properties.size()) + properties};
}

std::uint16_t packet_id(const Packet& packet, std::size_t offset)
{
    if (packet.body.size() < offset + 2) return 0;
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(packet.body[offset]) << 8) |
                                      static_cast<std::uint8_t>(packet.body[offset + 1]));
}

std::uint16_t publish_id(const Packet& publish)
{
    return packet_id(publish, 2 + packet_id(publish));  // topic length, topic, identifier
}

bool accept(FakeConnection& client)
{
    Packet packet;
    if (!client.read(packet) || packet.type != 1) return false;
    client.send(connack(client.protocol, 0));
    return true;
}

bool grant_subscription(FakeConnection& client)
{
    Packet packet;
    if (!client.read(packet) || packet.type != 8) return false;
    client.send(suback(client.protocol, packet_id(packet), {0}));
    return true;
}

void drain(FakeConnection& client)
{
    Packet packet;
    while (client.read(packet) && packet.type != 14) {}
}

FakeBroker::FakeBroker(Script script) : m_script(std::move(script))
{
    const Listener listener = listen_loopback(0, 8);
    m_listener = listener.fd;
    m_port = listener.port;
    m_thread = std::thread([this] { serve(); });
}

FakeBroker::~FakeBroker()
{
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
    ::close(m_listener);
}

void FakeBroker::serve()
{
    while (!m_stop) {
        pollfd p{m_listener, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        FakeConnection connection(fd);
        try {
            m_script(connection);
            ++m_served;
        } catch (...) {
            // A failed script shows in the test's assertions on what the tool printed.
        }
        ::close(fd);
    }
}

}  // namespace test
