// libFuzzer target: bytes from a broker, read by mqtt-sub as it runs. A scripted broker on
// 127.0.0.1 (a thread of this process) accepts the connection, reads the CONNECT and
// answers with the input, then closes; the real BrokerLink (libmosquitto's read path behind
// our read guard, callbacks and checks) and Subscriber (-v -F %j into /dev/null) take it.
// With --ws the broker first accepts the upgrade and the input is its WebSocket frames,
// which go through our bridge (frame decoder, control frames, relay) to libmosquitto.
// Input: a byte choosing MQTT 5 or 3.1.1, the output format and --ws, then the bytes.
// Whatever comes, the tool must end by itself with a documented status (the -W deadline
// catches a hang), never abort: a malformed packet must end in our guard (status 7).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <mosquitto.h>

#include "cli.h"
#include "exit_status.h"
#include "broker_link.h"
#include "sink.h"
#include "subscriber.h"
#include "ws_handshake.h"

namespace {

/// The broker's listening socket, made once.
int listener(int& port)
{
    static int fd = -1;
    static int bound = 0;
    if (fd < 0) {
        mosquitto_lib_init();
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            std::abort();
        }
        bound = ntohs(address.sin_port);
    }
    port = bound;
    return fd;
}

void send_all(int fd, std::string_view bytes)
{
    for (std::size_t at = 0; at < bytes.size();) {
        const ssize_t n = ::send(fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return;
        at += static_cast<std::size_t>(n);
    }
}

/// The client's first bytes (the upgrade request, or CONNECT), as one read brings them.
std::string first_read(int fd)
{
    char buffer[4096];
    pollfd client{fd, POLLIN, 0};
    if (::poll(&client, 1, 10000) != 1) return {};
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

/// The scripted broker: waits for one client, accepts its upgrade request (`websocket`),
/// reads its CONNECT, sends `bytes`, closes its side for writing and reads until the
/// client is gone.
void broker(int listen_fd, std::string_view bytes, bool websocket)
{
    pollfd waiting{listen_fd, POLLIN, 0};
    if (::poll(&waiting, 1, 10000) != 1) return;  // the client never connected: the run shows it
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (websocket) {
        const std::string request = first_read(fd);
        constexpr std::string_view header = "Sec-WebSocket-Key: ";
        const std::size_t at = request.find(header);
        const std::size_t end = at == std::string::npos ? at : request.find("\r\n", at);
        if (end != std::string::npos) {
            const std::string key = request.substr(at + header.size(), end - at - header.size());
            send_all(fd,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: " +
                         mqtt::ws::accept_for(key) + "\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n");
        }
    }
    (void)first_read(fd);
    send_all(fd, bytes);
    char buffer[4096];
    pollfd client{fd, POLLIN, 0};
    ::shutdown(fd, SHUT_WR);
    while (::poll(&client, 1, 10000) == 1 && ::read(fd, buffer, sizeof buffer) > 0) {}
    ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    static const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    int port = 0;
    const int listen_fd = listener(port);
    const std::uint8_t choice = data[0];
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::vector<std::string> args = {
        "-h", "127.0.0.1", "-p", std::to_string(port),  "-t", "#",      "-t", "a/+", "-V", (choice & 1) ? "311" : "5",
        "-v", "-W",        "5",  "--reconnect-timeout", "0",  "--quiet"};
    if (choice & 2) args.insert(args.end(), {"-F", "%j"});
    const bool websocket = (choice & 4) != 0;
    if (websocket) args.push_back("--ws");
    const mqtt::CommandLine command_line = mqtt::parse_command_line(mqtt::Tool::sub, args, mqtt::Environment{});
    std::thread server(broker, listen_fd, bytes, websocket);
    mqtt::Outcome outcome;
    {
        mqtt::Sink sink(null_fd);
        mqtt::BrokerLink link(command_line.options);
        mqtt::Subscriber subscriber(command_line.options, sink);
        outcome = link.run(subscriber);
    }
    server.join();
    // -W's status would mean a broker's bytes kept the tool from ending when the broker left.
    if (outcome.status == mqtt::ExitStatus::timed_out) std::abort();
    if (outcome.status != 0 && outcome.text.empty()) std::abort();  // a failure always says why
    return 0;
}
