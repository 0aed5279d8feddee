#include "bridge.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <mqtt_protocol.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exit_status.h"
#include "text.h"
#include "ws_handshake.h"

namespace mqtt {

namespace {

constexpr std::size_t k_chunk = 65536;           // bytes read (and framed) at once
constexpr std::size_t k_buffer_limit = 1 << 20;  // a side stops reading while its output holds this much
// Bytes taken from the broker in one turn of the loop: frames that carry nothing (empty
// continuations, pings) never fill the client's buffer, and must not keep the loop from
// signals and deadlines.
constexpr std::size_t k_read_per_turn = 1 << 20;
constexpr SetupStep k_upgrade_step{"WebSocket upgrade", ExitStatus::http_refused, ExitStatus::no_connack,
                                   "The broker did not answer the WebSocket upgrade within {} seconds."};

std::uint32_t random_mask()
{
    std::uint32_t mask = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&mask), sizeof mask) != 1) {
        throw Failure(ExitStatus::connection_lost, "Error: WebSocket: no random bytes for the frame mask.");
    }
    return mask;
}

/// Drops what was written from the front of `buffer` once it is most of it.
void compact(std::string& buffer, std::size_t& at)
{
    if (at == buffer.size()) {
        buffer.clear();
        at = 0;
    } else if (at > k_buffer_limit) {
        buffer.erase(0, at);
        at = 0;
    }
}

}  // namespace

std::optional<std::uint32_t> packet_limit(const Options& options)
{
    const Property* limit = options.properties.find(PropertyCommand::connect, MQTT_PROP_MAXIMUM_PACKET_SIZE);
    if (!limit) return std::nullopt;
    return limit->number;
}

bool bridgeable(const Options& options)
{
    const auto& tls = options.tls;
    return options.effective_port() != 0 && !options.srv && !(options.proxy && options.proxy->kind == ProxyKind::socks5h) &&
        !tls.engine && !(tls.keyform && equal_nocase(*tls.keyform, "engine"));
}

bool needs_bridge(const Options& options)
{
    return options.websockets || (options.proxy && options.proxy->kind == ProxyKind::http) ||
        (packet_limit(options) && bridgeable(options));
}

Bridge::Bridge(const Options& options, const SetupDeadline& deadline)
    : m_options(options), m_websocket(options.websockets), m_limit(packet_limit(options))
{
    if (m_limit) m_from_broker = PacketScanner(*m_limit);
    m_stream = std::make_unique<BrokerStream>(options, deadline);
    if (m_websocket) upgrade(deadline);
}

Bridge::~Bridge()
{
    if (m_client_fd >= 0) ::close(m_client_fd);
}

void Bridge::upgrade(const SetupDeadline& deadline)
{
    unsigned char nonce[16];
    if (RAND_bytes(nonce, sizeof nonce) != 1) throw Failure(ExitStatus::usage, "Error: WebSocket: no random bytes for the key.");
    const std::string key = ws::make_key(std::string_view(reinterpret_cast<const char*>(nonce), sizeof nonce));
    ws::UpgradeRequest request;
    request.host = m_options.host;
    request.port = m_options.effective_port();
    request.tls = tls_mode(m_options) != TlsMode::off;
    request.path = m_options.ws_path;
    request.headers = m_options.ws_headers;
    m_stream->write_all(ws::upgrade_request(request, key), deadline, k_upgrade_step);
    std::string received;
    while (true) {
        const std::string more = m_stream->read_some(deadline, k_upgrade_step);
        if (more.empty()) {
            // A port forwarder whose server is not up yet accepts and closes, too.
            throw Failure(ExitStatus::http_refused,
                          fmt::format("Error: WebSocket upgrade failed: the broker closed the connection (is port {} a "
                                      "WebSocket listener, not a plain MQTT one?).",
                                      m_options.effective_port()),
                          true);
        }
        received += more;
        const ws::UpgradeResponse response = ws::parse_upgrade_response(received, key);
        if (const auto* refused = std::get_if<ws::Refused>(&response)) {
            throw Failure(ExitStatus::http_refused, fmt::format("Error: WebSocket upgrade {}.", refused->text),
                          refused->gateway_error);
        }
        if (const auto* upgraded = std::get_if<ws::Upgraded>(&response)) {
            std::vector<ws::ControlFrame> control;
            if (auto fed = m_decoder.feed(upgraded->rest, m_to_client, control); !fed) {
                throw Failure(ExitStatus::http_refused, fmt::format("Error: WebSocket: {}.", fed.error()));
            }
            return;
        }
    }
}

const std::string& Bridge::listen()
{
    m_socket.emplace();
    return m_socket->path();
}

void Bridge::accept(int mosquitto_fd)
{
    m_client_fd = m_socket->accept();
    m_socket.reset();
    // The other way round too: libmosquitto's socket leads to this process, not to a socket
    // someone put at the path.
    if (!peer_is_this_process(mosquitto_fd)) {
        throw Failure(ExitStatus::connection_lost, "Error: libmosquitto's connection to the bridge leads to another process.");
    }
    // What the upgrade answer carried after its headers goes to libmosquitto first.
    check_to_client(0);
    write_client();
}

std::size_t Bridge::poll_fds(pollfd* fds) const
{
    std::size_t count = 0;
    if (m_client_fd >= 0) {
        short events = 0;
        if (m_to_broker.size() - m_to_broker_at < k_buffer_limit && !m_broker_done) events |= POLLIN;
        if (m_to_client_at < m_to_client.size()) events |= POLLOUT;
        fds[count++] = {m_client_fd, events, 0};
    }
    if (m_stream && !m_broker_done) {
        short events = 0;
        if (m_to_client.size() - m_to_client_at < k_buffer_limit) events |= POLLIN;
        if (m_to_broker_at < m_to_broker.size() || m_stream->wants_write()) events |= POLLOUT;
        fds[count++] = {m_stream->fd(), events, 0};
    }
    return count;
}

bool Bridge::busy() const
{
    return m_stream && !m_broker_done && m_stream->pending() && m_to_client.size() - m_to_client_at < k_buffer_limit;
}

void Bridge::handle(const pollfd* fds, std::size_t count)
{
    for (std::size_t i = 0; i < count; ++i) {
        const short revents = fds[i].revents;
        if (fds[i].fd == m_client_fd) {
            if (revents & (POLLIN | POLLHUP | POLLERR)) read_client();
        } else if (m_stream && fds[i].fd == m_stream->fd()) {
            if (revents & (POLLIN | POLLHUP | POLLERR)) read_broker();
            if (revents & POLLOUT) write_broker();
        }
    }
    if (busy()) read_broker();
    write_broker();
    write_client();
}

void Bridge::fail(const std::string& text)
{
    if (!m_failure) m_failure.emplace(ExitStatus::connection_lost, text);
    m_stream_failed = true;
    m_broker_done = true;
    m_to_client.clear();
    m_to_client_at = 0;
    close_client();
}

void Bridge::close_client()
{
    // libmosquitto sees end of file and ends the connection its usual way.
    if (m_client_fd >= 0) ::close(m_client_fd);
    m_client_fd = -1;
}

void Bridge::send_close()
{
    if (!m_websocket || m_close_sent) return;
    m_close_sent = true;
    ws::append_frame(m_to_broker, ws::Opcode::close, std::string_view("\x03\xe8", 2), random_mask());  // 1000: normal
}

void Bridge::read_client()
{
    char buffer[k_chunk];
    while (m_client_fd >= 0 && m_to_broker.size() - m_to_broker_at < k_buffer_limit) {
        const ssize_t n = ::read(m_client_fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) {
            // libmosquitto closed its socket: the connection is over.
            close_client();
            send_close();
            return;
        }
        // After the bridge refused a packet, its own DISCONNECT was the last one.
        if (m_failure) continue;
        const std::string_view bytes(buffer, static_cast<std::size_t>(n));
        if (m_limit) m_from_client.feed(bytes);
        if (m_websocket) {
            ws::append_frame(m_to_broker, ws::Opcode::binary, bytes, random_mask());
        } else {
            m_to_broker.append(bytes);
        }
    }
}

void Bridge::read_broker()
{
    char buffer[k_chunk];
    bool got = false;
    std::size_t taken = 0;
    while (!m_broker_done && m_to_client.size() - m_to_client_at < k_buffer_limit && taken < k_read_per_turn) {
        const long n = m_stream->read(buffer, sizeof buffer);
        if (n == BrokerStream::k_again) {
            // Debian's mosquitto 2.0.11 writes a long frame 4 KiB at a time, one piece per
            // turn of its loop, which otherwise waits up to 100 ms for socket activity: a
            // ping per piece received keeps it turning (10 MiB: seconds instead of minutes).
            if (got && m_websocket && m_decoder.inside_frame()) {
                ws::append_frame(m_to_broker, ws::Opcode::ping, {}, random_mask());
            }
            return;
        }
        if (n == BrokerStream::k_closed) {
            if (!m_stream->error().empty()) {
                fail(fmt::format("Error: The connection to the broker failed: {}.", m_stream->error()));
                return;
            }
            m_broker_done = true;
            if (m_to_client_at == m_to_client.size()) close_client();
            return;
        }
        got = true;
        taken += static_cast<std::size_t>(n);
        const std::string_view bytes(buffer, static_cast<std::size_t>(n));
        const std::size_t from = m_to_client.size();
        if (!m_websocket) {
            m_to_client.append(bytes);
            if (!check_to_client(from)) return;
            continue;
        }
        std::vector<ws::ControlFrame> control;
        if (auto fed = m_decoder.feed(bytes, m_to_client, control); !fed) {
            fail(fmt::format("Error: WebSocket: {}.", fed.error()));
            return;
        }
        if (!check_to_client(from)) return;
        for (const auto& frame : control) {
            if (frame.opcode == ws::Opcode::ping) {
                m_pong = frame.payload;  // RFC 6455 5.5.3: answering the latest ping is enough
            } else if (frame.opcode == ws::Opcode::close) {
                send_close();
                m_broker_done = true;
                if (m_to_client_at == m_to_client.size()) close_client();
                return;
            }
        }
    }
}

bool Bridge::check_to_client(std::size_t from)
{
    if (!m_limit || m_failure || from >= m_to_client.size()) return true;
    const auto refused = m_from_broker.feed(std::string_view(m_to_client).substr(from));
    if (!refused) return true;
    m_failure.emplace(ExitStatus::connection_lost,
                      refused->malformed ? std::string("Error: The broker sent a malformed packet.")
                                         : fmt::format("Error: The broker sent a packet of {} bytes, above -D connect "
                                                       "maximum-packet-size {}.",
                                                       refused->size, *m_limit));
    // libmosquitto gets the packets before it, then end of file; the rest of the refused one
    // is never read.
    m_to_client.resize(from + refused->offset);
    m_broker_done = true;
    // MQTT 5 4.13: DISCONNECT with 0x95 (packet too large) or 0x81 (malformed packet), when
    // it cannot land inside one of libmosquitto's packets.
    if (m_from_client.at_boundary()) {
        const char disconnect[] = {'\xe0', '\x01', refused->malformed ? '\x81' : '\x95'};
        const std::string_view packet(disconnect, sizeof disconnect);
        if (m_websocket) {
            ws::append_frame(m_to_broker, ws::Opcode::binary, packet, random_mask());
        } else {
            m_to_broker.append(packet);
        }
    }
    if (m_to_client_at == m_to_client.size()) close_client();
    return false;
}

void Bridge::write_broker()
{
    // One pong at most waits for a broker that sends pings but does not read.
    if (m_pong && m_to_broker.size() - m_to_broker_at < k_buffer_limit) {
        ws::append_frame(m_to_broker, ws::Opcode::pong, *m_pong, random_mask());
        m_pong.reset();
    }
    while (m_stream && m_to_broker_at < m_to_broker.size()) {
        const long n = m_stream->write(m_to_broker.data() + m_to_broker_at, m_to_broker.size() - m_to_broker_at);
        if (n == BrokerStream::k_again) break;
        if (n == BrokerStream::k_closed) {
            m_to_broker.clear();
            m_to_broker_at = 0;
            fail(fmt::format("Error: The connection to the broker failed: {}.",
                             m_stream->error().empty() ? "closed" : m_stream->error()));
            return;
        }
        m_to_broker_at += static_cast<std::size_t>(n);
    }
    compact(m_to_broker, m_to_broker_at);
}

void Bridge::write_client()
{
    while (m_client_fd >= 0 && m_to_client_at < m_to_client.size()) {
        const ssize_t n =
            ::send(m_client_fd, m_to_client.data() + m_to_client_at, m_to_client.size() - m_to_client_at, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        if (n < 0) {
            close_client();  // libmosquitto went away; the session sees why
            break;
        }
        m_to_client_at += static_cast<std::size_t>(n);
    }
    compact(m_to_client, m_to_client_at);
    if (m_broker_done && m_to_client_at == m_to_client.size()) close_client();
}

void Bridge::drain(Clock::time_point until)
{
    if (!m_stream || m_stream_failed) return;
    // libmosquitto has closed its socket (or the session gave up on it): take its last bytes.
    if (m_client_fd >= 0) {
        read_client();
        close_client();
    }
    send_close();
    while (m_to_broker_at < m_to_broker.size() && !m_stream_failed && Clock::now() < until) {
        write_broker();
        if (m_to_broker_at >= m_to_broker.size() || m_stream_failed) break;
        pollfd fd{m_stream->fd(),
                  static_cast<short>(m_stream->wants_write() || m_to_broker_at < m_to_broker.size() ? POLLOUT : POLLIN), 0};
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
        ::poll(&fd, 1, static_cast<int>(std::max<long long>(left, 0)));
    }
}

}  // namespace mqtt
