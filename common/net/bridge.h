// The transport for what libmosquitto 2.0.11 cannot do itself (WebSockets, HTTP CONNECT
// proxies): libmosquitto connects to a private unix socket that the tool owns, and the
// bridge carries those bytes to the broker, as WebSocket binary frames with --ws, over TCP
// or TLS, inside the session's poll loop (two more fds, no thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <poll.h>
#include <string>
#include <vector>

#include "broker_stream.h"
#include "error.h"
#include "options.h"
#include "packet_scanner.h"
#include "private_socket.h"
#include "ws_frame.h"

namespace mqtt {

/// The -D connect maximum-packet-size the user set, if any.
std::optional<std::uint32_t> packet_limit(const Options& options);

/// True when the bridge can carry the connection: TCP to -h/-p (TLS included, but not an
/// OpenSSL engine), directly or through an HTTP proxy; not --unix, SOCKS5 or -S.
bool bridgeable(const Options& options);

/// True when the session needs the bridge: --ws, --proxy http://, or -D connect
/// maximum-packet-size (which libmosquitto 2.0.11 does not enforce) where it is bridgeable.
bool needs_bridge(const Options& options);

class Bridge {
public:
    /// Connects to the broker and asks for the WebSocket upgrade with --ws. Throws Failure
    /// (status and line) when a step fails.
    Bridge(const Options& options, const SetupDeadline& deadline);
    /// Closes everything; the socket file and its folder are gone already (or now).
    ~Bridge();
    Bridge(const Bridge&) = delete;
    Bridge& operator=(const Bridge&) = delete;

    /// Opens the private unix socket libmosquitto is to connect to (host = this path,
    /// port = 0). Throws Failure (see PrivateSocket). Hold signals (HeldSignals) from here
    /// to accept(), so that the socket's folder is never left behind.
    const std::string& listen();
    /// Takes libmosquitto's connection (made by now), checks that `mosquitto_fd` (its end)
    /// leads to us, and removes the socket file and its folder. Throws Failure.
    void accept(int mosquitto_fd);

    /// The fds to poll now (up to 2), written to `fds`; returns how many.
    std::size_t poll_fds(pollfd* fds) const;
    /// Moves bytes both ways after poll() filled the revents of what poll_fds() gave.
    void handle(const pollfd* fds, std::size_t count);
    /// Data is waiting inside TLS that poll() cannot see: poll with a zero timeout.
    bool busy() const;
    /// Why the bridge ended the connection, when it was the broker's fault (a protocol
    /// error, a TLS error); libmosquitto then sees its socket close.
    const std::optional<Failure>& failure() const { return m_failure; }
    /// At the end: forwards what libmosquitto wrote last (its DISCONNECT), then closes the
    /// WebSocket, waiting at most until `until`.
    void drain(Clock::time_point until);

private:
    void upgrade(const SetupDeadline& deadline);
    void read_client();
    void read_broker();
    void write_broker();
    void write_client();
    void fail(const std::string& text);
    /// Checks the MQTT bytes appended to m_to_client from `from` on against the packet limit;
    /// false (and the connection ends) when the broker sent a packet that is refused.
    bool check_to_client(std::size_t from);
    void close_client();
    void send_close();

    const Options& m_options;
    std::unique_ptr<BrokerStream> m_stream;
    std::optional<PrivateSocket> m_socket;  ///< from listen() to accept()
    int m_client_fd = -1;                   ///< libmosquitto's connection, our end
    bool m_websocket = false;
    ws::FrameDecoder m_decoder;
    std::string m_to_broker;            ///< framed bytes not yet written
    std::optional<std::string> m_pong;  ///< the payload of the latest ping not yet answered
    std::size_t m_to_broker_at = 0;
    std::string m_to_client;               ///< MQTT bytes not yet given to libmosquitto
    std::optional<std::uint32_t> m_limit;  ///< -D connect maximum-packet-size
    PacketScanner m_from_broker;           ///< the packets towards libmosquitto, held to m_limit
    PacketScanner m_from_client;           ///< libmosquitto's packets: where our DISCONNECT may go
    bool m_stream_failed = false;          ///< m_failure is the connection's own error: nothing more can be sent
    std::size_t m_to_client_at = 0;
    bool m_broker_done = false;  ///< the broker closed (or sent close): nothing more comes
    bool m_close_sent = false;
    std::optional<Failure> m_failure;
};

}  // namespace mqtt
