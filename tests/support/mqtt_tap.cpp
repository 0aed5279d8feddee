#include "mqtt_tap.h"

#include "broker.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace test {

namespace {

[[noreturn]] void fail(const char* what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

/// Reads the fields of one packet body; any read past the end throws.
class Reader {
public:
    explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

    bool done() const { return m_at >= m_bytes.size(); }
    std::size_t left() const { return m_bytes.size() - m_at; }
    std::uint32_t byte() { return static_cast<unsigned char>(take(1)[0]); }
    std::uint32_t int16() { return byte() << 8 | byte(); }
    std::uint32_t int32() { return int16() << 16 | int16(); }
    std::uint32_t varint()
    {
        std::uint32_t value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            const std::uint32_t b = byte();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw std::runtime_error("varint too long");
    }
    std::string string() { return std::string(take(int16())); }
    std::string rest() { return std::string(take(left())); }
    std::string_view take(std::size_t n)
    {
        if (n > left()) throw std::runtime_error("packet too short");
        const auto part = m_bytes.substr(m_at, n);
        m_at += n;
        return part;
    }

private:
    std::string_view m_bytes;
    std::size_t m_at = 0;
};

enum class Kind { byte, int16, int32, varint, string, binary, pair };

struct PropertyInfo {
    int id;
    const char* name;
    Kind kind;
};

// MQTT 5.0, section 2.2.2.2, written out here so the test does not share libmosquitto's table.
constexpr PropertyInfo k_properties[] = {
    {1, "payload-format-indicator", Kind::byte},
    {2, "message-expiry-interval", Kind::int32},
    {3, "content-type", Kind::string},
    {8, "response-topic", Kind::string},
    {9, "correlation-data", Kind::binary},
    {11, "subscription-identifier", Kind::varint},
    {17, "session-expiry-interval", Kind::int32},
    {18, "assigned-client-identifier", Kind::string},
    {19, "server-keep-alive", Kind::int16},
    {21, "authentication-method", Kind::string},
    {22, "authentication-data", Kind::binary},
    {23, "request-problem-information", Kind::byte},
    {24, "will-delay-interval", Kind::int32},
    {25, "request-response-information", Kind::byte},
    {26, "response-information", Kind::string},
    {28, "server-reference", Kind::string},
    {31, "reason-string", Kind::string},
    {33, "receive-maximum", Kind::int16},
    {34, "topic-alias-maximum", Kind::int16},
    {35, "topic-alias", Kind::int16},
    {36, "maximum-qos", Kind::byte},
    {37, "retain-available", Kind::byte},
    {38, "user-property", Kind::pair},
    {39, "maximum-packet-size", Kind::int32},
    {40, "wildcard-subscription-available", Kind::byte},
    {41, "subscription-identifier-available", Kind::byte},
    {42, "shared-subscription-available", Kind::byte},
};

std::vector<std::string> read_properties(Reader& in)
{
    Reader list(in.take(in.varint()));
    std::vector<std::string> properties;
    while (!list.done()) {
        const std::uint32_t id = list.varint();
        const PropertyInfo* info = nullptr;
        for (const auto& p : k_properties) {
            if (static_cast<std::uint32_t>(p.id) == id) info = &p;
        }
        if (!info) throw std::runtime_error("unknown property " + std::to_string(id));
        std::string value;
        switch (info->kind) {
        case Kind::byte: value = std::to_string(list.byte()); break;
        case Kind::int16: value = std::to_string(list.int16()); break;
        case Kind::int32: value = std::to_string(list.int32()); break;
        case Kind::varint: value = std::to_string(list.varint()); break;
        case Kind::string:
        case Kind::binary: value = list.string(); break;
        case Kind::pair: {
            value = list.string();
            value += ":" + list.string();
            break;
        }
        }
        properties.push_back(std::string(info->name) + "=" + value);
    }
    return properties;
}

const char* type_name(unsigned type)
{
    static constexpr const char* k_names[] = {"RESERVED", "CONNECT",  "CONNACK",    "PUBLISH", "PUBACK",      "PUBREC",
                                              "PUBREL",   "PUBCOMP",  "SUBSCRIBE",  "SUBACK",  "UNSUBSCRIBE", "UNSUBACK",
                                              "PINGREQ",  "PINGRESP", "DISCONNECT", "AUTH"};
    return k_names[type & 0x0F];
}

/// Decodes the body of one packet of a connection at protocol level `level`.
Packet decode(unsigned header, std::string_view body, int level)
{
    Packet packet;
    const unsigned type = header >> 4;
    packet.type = type_name(type);
    const bool v5 = level == 5;
    Reader in(body);
    switch (type) {
    case 1: {         // CONNECT
        in.string();  // protocol name
        in.byte();    // level, read before this call
        const std::uint32_t flags = in.byte();
        in.int16();  // keep alive
        if (v5) packet.properties = read_properties(in);
        packet.client_id = in.string();
        if (flags & 0x04) {
            if (v5) packet.will_properties = read_properties(in);
            packet.will_topic = in.string();
            in.string();  // will payload
        }
        break;
    }
    case 3: {  // PUBLISH
        packet.topic = in.string();
        if ((header >> 1 & 0x03) != 0) in.int16();
        if (v5) packet.properties = read_properties(in);
        packet.payload = in.rest();
        break;
    }
    case 8:     // SUBSCRIBE
    case 10: {  // UNSUBSCRIBE
        in.int16();
        if (v5) packet.properties = read_properties(in);
        while (!in.done()) {
            packet.filters.push_back(in.string());
            if (type == 8) in.byte();
        }
        break;
    }
    case 2:  // CONNACK
        in.int16();
        if (v5 && !in.done()) packet.properties = read_properties(in);
        break;
    case 14:  // DISCONNECT
        if (!in.done()) packet.reason = static_cast<int>(in.byte());
        if (v5 && !in.done()) packet.properties = read_properties(in);
        break;
    default: break;
    }
    return packet;
}

/// Splits a byte stream into packets; an incomplete last packet is left out.
std::vector<Packet> decode_stream(const std::string& bytes, int level)
{
    std::vector<Packet> packets;
    Reader in(bytes);
    try {
        while (!in.done()) {
            const std::uint32_t header = in.byte();
            const std::uint32_t length = in.varint();
            if (length > in.left()) break;
            packets.push_back(decode(header, in.take(length), level));
        }
    } catch (const std::exception& e) {
        Packet bad;
        bad.type = "MALFORMED";
        bad.payload = e.what();
        packets.push_back(bad);
    }
    return packets;
}

/// The protocol level of a client's first packet (a CONNECT), or 0 while it is incomplete.
int protocol_level(const std::string& up)
{
    try {
        Reader in(up);
        if ((in.byte() >> 4) != 1) return 0;
        in.varint();
        in.string();
        return static_cast<int>(in.byte());
    } catch (const std::exception&) {
        return 0;
    }
}

std::string client_id_of(const std::string& up)
{
    const auto packets = decode_stream(up, protocol_level(up));
    return !packets.empty() && packets.front().type == "CONNECT" ? packets.front().client_id : std::string();
}

}  // namespace

std::string describe(const std::vector<std::string>& properties)
{
    std::string line;
    for (const auto& p : properties) line += (line.empty() ? "" : " ") + p;
    return line;
}

struct Tap::State {
    struct Connection {
        int client = -1;
        int broker = -1;
        std::string up;         ///< client to broker
        std::string down;       ///< broker to client
        bool up_open = true;    ///< the client may still send
        bool down_open = true;  ///< the broker may still send
    };

    int listener = -1;
    int port = 0;
    int wake[2] = {-1, -1};
    int broker_port = 0;
    mutable std::mutex mutex;
    std::vector<Connection> connections;  // guarded by mutex; fds used by the thread only
    std::thread thread;

    void run();
    void accept_one();
    /// Moves what `from` has to `to`, recording it in `log`; false once `from` has ended.
    bool relay(int from, int to, std::string Connection::*log, std::size_t index);

    std::vector<Packet> packets(const std::string& client_id, bool sent) const
    {
        std::vector<Packet> all;
        std::lock_guard lock(mutex);
        for (const auto& c : connections) {
            if (client_id_of(c.up) != client_id) continue;
            const int level = protocol_level(c.up);
            auto part = decode_stream(sent ? c.up : c.down, level);
            all.insert(all.end(), part.begin(), part.end());
        }
        return all;
    }
};

Tap::Tap(int broker_port) : m_state(std::make_unique<State>())
{
    State& s = *m_state;
    s.broker_port = broker_port;
    const Listener listener = listen_loopback();
    s.listener = listener.fd;
    s.port = listener.port;
    if (::pipe2(s.wake, O_CLOEXEC) != 0) fail("pipe");
    s.thread = std::thread([&s] { s.run(); });
}

Tap::~Tap()
{
    State& s = *m_state;
    const char stop = 'x';
    if (::write(s.wake[1], &stop, 1) < 0) {
        // The thread then runs until the process ends; nothing better to do in a destructor.
    }
    if (s.thread.joinable()) s.thread.join();
    for (auto& c : s.connections) {
        if (c.client >= 0) ::close(c.client);
        if (c.broker >= 0) ::close(c.broker);
    }
    ::close(s.listener);
    ::close(s.wake[0]);
    ::close(s.wake[1]);
}

std::string Tap::port_str() const
{
    return std::to_string(m_state->port);
}

std::vector<Packet> Tap::sent_by(const std::string& client_id) const
{
    return m_state->packets(client_id, true);
}

std::vector<Packet> Tap::received_by(const std::string& client_id) const
{
    return m_state->packets(client_id, false);
}

bool Tap::wait_for_sent(const std::string& client_id, const std::string& type, std::chrono::milliseconds timeout) const
{
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (const auto& packet : sent_by(client_id)) {
            if (packet.type == type) return true;
        }
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void Tap::State::accept_one()
{
    const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    const int broker = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(broker_port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (broker < 0 || ::connect(broker, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(client);
        if (broker >= 0) ::close(broker);
        return;
    }
    std::lock_guard lock(mutex);
    connections.push_back({client, broker, {}, {}, true, true});
}

bool Tap::State::relay(int from, int to, std::string Connection::*log, std::size_t index)
{
    char buffer[65536];
    const ssize_t n = ::read(from, buffer, sizeof buffer);
    if (n <= 0) return n < 0 && errno == EINTR;
    {
        std::lock_guard lock(mutex);
        (connections[index].*log).append(buffer, static_cast<std::size_t>(n));
    }
    // Recorded before it is passed on: once a tool has seen a packet, so has the test. If
    // the receiver has gone, the bytes are dropped, as the kernel would drop them; the
    // sender is still read to its end (e.g. the DISCONNECT a client sends as it leaves).
    std::size_t done = 0;
    while (done < static_cast<std::size_t>(n)) {
        const ssize_t w = ::send(to, buffer + done, static_cast<std::size_t>(n) - done, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += static_cast<std::size_t>(w);
    }
    return true;
}

void Tap::State::run()
{
    for (;;) {
        std::vector<pollfd> fds{{wake[0], POLLIN, 0}, {listener, POLLIN, 0}};
        std::vector<std::pair<std::size_t, bool>> owners;  // connection index, from the client
        for (std::size_t i = 0; i < connections.size(); ++i) {
            if (connections[i].up_open) {
                fds.push_back({connections[i].client, POLLIN, 0});
                owners.emplace_back(i, true);
            }
            if (connections[i].down_open) {
                fds.push_back({connections[i].broker, POLLIN, 0});
                owners.emplace_back(i, false);
            }
        }
        if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
        if (fds[0].revents != 0) return;
        if (fds[1].revents & POLLIN) accept_one();
        for (std::size_t k = 2; k < fds.size(); ++k) {
            if (fds[k].revents == 0) continue;
            const auto [index, from_client] = owners[k - 2];
            Connection& c = connections[index];
            const int from = from_client ? c.client : c.broker;
            const int to = from_client ? c.broker : c.client;
            if (relay(from, to, from_client ? &Connection::up : &Connection::down, index)) continue;
            // One side has finished sending: pass the end of file on, as TCP would.
            ::shutdown(to, SHUT_WR);
            (from_client ? c.up_open : c.down_open) = false;
            if (!c.up_open && !c.down_open) {
                ::close(c.client);
                ::close(c.broker);
                c.client = c.broker = -1;
            }
        }
    }
}

}  // namespace test
