// MQTT over WebSockets (--ws, -L ws:// and wss://) and through HTTP CONNECT proxies, against
// real mosquitto `protocol websockets` listeners (plain and TLS), a canned HTTP server for
// what mosquitto does not check (path, headers, refusals), and test::HttpProxy.
// Debian's broker answers the upgrade on a ~100 ms tick: no test asserts connect times.
#include "e2e.h"
#include "http_proxy.h"
#include "pki.h"
#include "silent_server.h"
#include "ws_handshake.h"

#include <arpa/inet.h>
#include <atomic>
#include <csignal>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

using namespace e2e;

namespace {

test::BrokerConfig with_websockets(const std::string& lines = {})
{
    test::BrokerConfig config;
    config.websockets = true;
    config.websockets_listener = lines;
    return config;
}

/// `name` connecting to the broker's websockets listener with --ws, then `args`.
Args over_ws(const test::Broker& broker, const std::string& name, const Args& args)
{
    Args argv{test::tool(name), "-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// `argv` run with TMPDIR set to `folder`, where the bridge makes its socket.
Args with_tmpdir(const std::string& folder, const Args& argv)
{
    Args env{"/usr/bin/env", "-u", "XDG_RUNTIME_DIR", "TMPDIR=" + folder};  // the bridge prefers XDG_RUNTIME_DIR
    env.insert(env.end(), argv.begin(), argv.end());
    return env;
}

bool is_empty_dir(const std::string& path)
{
    return std::filesystem::is_empty(path);
}

/// A listening TCP socket on a free 127.0.0.1 port, stored in `port`.
int loopback_listener(int& port)
{
    const test::Listener listener = test::listen_loopback(0, 4);
    port = listener.port;
    return listener.fd;
}

/// The 101 answer that accepts the upgrade `request` (its accept key made from the request's key).
std::string upgrade_answer(const std::string& request)
{
    const std::string name = "Sec-WebSocket-Key: ";
    const auto at = request.find(name);
    const std::string key = at == std::string::npos ? "" : request.substr(at + name.size(), 24);
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Accept: " +
        mqtt::ws::accept_for(key) + "\r\n\r\n";
}

/// A TCP server on 127.0.0.1 that reads one request (up to the blank line), answers it
/// with `answer` and closes: what a WebSocket server could say that mosquitto never does.
/// With `then`, the answer is a real upgrade (its accept key made from the request's key)
/// and `then` is sent once the client has sent something more (its CONNECT).
class CannedHttp {
public:
    explicit CannedHttp(std::string answer, std::string then = {}) : m_answer(std::move(answer)), m_then(std::move(then))
    {
        m_listener = loopback_listener(m_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~CannedHttp()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_listener);
    }
    CannedHttp(const CannedHttp&) = delete;
    CannedHttp& operator=(const CannedHttp&) = delete;

    std::string port_str() const { return std::to_string(m_port); }
    /// The request read (complete once the tool has ended).
    std::string request()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_request;
    }

private:
    void serve()
    {
        while (!m_stop) {
            pollfd p{m_listener, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            std::string request;
            char byte = 0;
            while (request.find("\r\n\r\n") == std::string::npos && !m_stop) {
                pollfd q{fd, POLLIN, 0};
                if (::poll(&q, 1, 50) <= 0) continue;
                if (::read(fd, &byte, 1) != 1) break;
                request += byte;
            }
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_request = request;
            }
            std::string answer = m_answer;
            if (!m_then.empty()) answer = upgrade_answer(request);
            if (::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) {
                // the tool went away first: its output tells
            }
            pollfd q{fd, POLLIN, 0};
            if (!m_then.empty() && ::poll(&q, 1, 5000) == 1) {
                char buffer[4096];
                if (::read(fd, buffer, sizeof buffer) > 0 && ::send(fd, m_then.data(), m_then.size(), MSG_NOSIGNAL) > 0) {
                    ::poll(&q, 1, 5000);  // until the tool closes
                }
            }
            ::close(fd);
        }
    }

    std::string m_answer;
    std::string m_then;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::string m_request;
    std::thread m_thread;
};

/// A WebSocket server that takes the upgrade, answers CONNECT with a CONNACK when asked,
/// then sends `start` and `flood` over and over, never reading, until the client goes away.
class FloodingServer {
public:
    FloodingServer(std::string start, std::string flood, bool connack) : m_start(std::move(start)), m_connack(connack)
    {
        while (m_flood.size() < 65536) m_flood += flood;
        m_listener = loopback_listener(m_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~FloodingServer()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_listener);
    }
    FloodingServer(const FloodingServer&) = delete;
    FloodingServer& operator=(const FloodingServer&) = delete;

    std::string port_str() const { return std::to_string(m_port); }
    /// Waits until the flood has sent `bytes`, at most `timeout`.
    bool wait_for_sent(std::size_t bytes, std::chrono::milliseconds timeout) const
    {
        return wait_until([&] { return m_sent >= bytes; }, timeout);
    }

private:
    bool wait(int fd, short events) const
    {
        pollfd p{fd, events, 0};
        while (!m_stop) {
            if (::poll(&p, 1, 50) > 0) return true;
        }
        return false;
    }
    void serve()
    {
        if (!wait(m_listener, POLLIN)) return;
        const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        std::string request;
        char byte = 0;
        while (request.find("\r\n\r\n") == std::string::npos && wait(fd, POLLIN) && ::read(fd, &byte, 1) == 1) {
            request += byte;
        }
        std::string out = upgrade_answer(request);
        if (m_connack) {
            ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
            char connect[4096];
            if (!wait(fd, POLLIN) || ::read(fd, connect, sizeof connect) <= 0) {
                ::close(fd);
                return;
            }
            out = std::string("\x82\x04\x20\x02\x00\x00", 6);  // CONNACK (MQTT 3.1.1) in a binary frame
        }
        out += m_start;
        while (!m_stop) {
            const std::string& bytes = out.empty() ? m_flood : out;
            if (!wait(fd, POLLOUT)) break;
            const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno == EAGAIN) continue;
            if (n <= 0) break;  // the client went away
            if (out.empty()) {
                m_sent += static_cast<std::size_t>(n);
            } else {
                out.erase(0, static_cast<std::size_t>(n));
            }
        }
        ::close(fd);
    }

    std::string m_start;
    std::string m_flood;
    bool m_connack;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<std::size_t> m_sent{0};
    std::thread m_thread;
};

/// `name` with the connection options `connect`, then `args`, run with TMPDIR at `tmp`.
Args tool_at(const std::string& tmp, const std::string& name, const Args& connect, const Args& args)
{
    Args argv{test::tool(name)};
    argv.insert(argv.end(), connect.begin(), connect.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return with_tmpdir(tmp, argv);
}

/// mqtt-sub and mqtt-pub connected with `connect` at QoS 0, 1 and 2: two lines each way,
/// nothing on stderr, no socket file left in TMPDIR.
void check_round_trip(const test::Broker& broker, const Args& connect, const std::string& id)
{
    TempDir tmp;
    for (const char* qos : {"0", "1", "2"}) {
        CAPTURE(qos);
        const std::string sub_id = id + qos;
        const Args subscriber =
            tool_at(tmp.path(), "mqtt-sub", connect, {"-i", sub_id, "-q", qos, "-t", "ws/t", "-v", "-C", "2", "-W", "20"});
        const auto then = [&] {
            const test::Result p =
                test::run(tool_at(tmp.path(), "mqtt-pub", connect, {"-q", qos, "-t", "ws/t", "-l"}), "first\nsecond\n");
            CHECK(p.status == 0);
            CHECK(p.err == "");
        };
        check_ended(run_subscriber(broker, sub_id, subscriber, then, 20s), 0, "ws/t first\nws/t second\n");
        CHECK(is_empty_dir(tmp.path()));
        // Each left with a DISCONNECT, which the bridge forwarded before closing.
        CHECK(broker.wait_for_log("Received DISCONNECT from " + sub_id + "\n", 5s));
    }
}

/// `first`, then `second`.
Args joined(Args first, const Args& second)
{
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

/// mqtt-rr connected with `connect` asks at QoS 0, 1 and 2 on service/rr; a mqtt-sub and a
/// mqtt-pub connected the same way play the responder. rr prints the answer, nothing else.
void check_request_reply(const test::Broker& broker, const Args& connect, const std::string& id)
{
    for (const char* qos : {"0", "1", "2"}) {
        CAPTURE(qos);
        const std::string responder_id = id + "responder-" + qos;
        test::Child responder(
            command("mqtt-sub", joined(connect, {"-i", responder_id, "-q", qos, "-t", "service/rr", "-C", "1", "-W", "20"})));
        require_subscribed(broker, responder_id);
        test::Child requester(command(
            "mqtt-rr",
            joined(connect, {"-V", "311", "-q", qos, "-t", "service/rr", "-e", "replies/rr", "-m", "question", "-W", "20"})));
        REQUIRE(responder.wait_for_output(9, 20s));
        CHECK(responder.out_so_far() == "question\n");
        const test::Result answer =
            test::run(command("mqtt-pub", joined(connect, {"-q", qos, "-t", "replies/rr", "-m", "answer"})));
        CHECK(answer.status == 0);
        CHECK(answer.err == "");
        const test::Result r = requester.wait(20s);
        check_ended(r, 0, "answer\n");
    }
}

/// Runs `argv` against something that never answers: it must end with status 19 and `line`
/// on stderr, nothing on stdout, within `seconds` plus a margin for a loaded machine.
void check_unanswered(const Args& argv, int seconds, const std::string& line)
{
    const auto start = Clock::now();
    const test::Result r = test::run(argv, {}, std::chrono::seconds(seconds + 20));
    const double took = seconds_since(start);
    check_ended(r, 19, "", line);
    CHECK(took < seconds + 10);
}

}  // namespace

TEST_CASE("websockets: mqtt-pub and mqtt-sub over ws at QoS 0, 1 and 2, leaving no socket file")
{
    test::Broker broker(with_websockets());
    check_round_trip(broker, {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws"}, "ws-sub-");
}

TEST_CASE("websockets: -L ws:// URLs, and a 10 MiB payload each way")
{
    test::Broker broker(with_websockets());
    TempDir dir;
    const std::string payload = binary_payload(10 * 1024 * 1024);
    const std::string file = dir.write("big", payload);
    const std::string url = "ws://127.0.0.1:" + broker.ws_port_str() + "/big/one";
    const auto then = [&] {
        const test::Result p = test::run(command("mqtt-pub", {"-L", url, "-q", "1", "-f", file}), {}, 60s);
        CHECK(p.status == 0);
        CHECK(p.err == "");
    };
    const test::Result s = run_subscriber(
        broker, "big-sub", command("mqtt-sub", {"-L", url, "-i", "big-sub", "-q", "1", "-C", "1", "-N", "-W", "60"}), then, 60s);
    CHECK(s.out.size() == payload.size());
    check_ended(s, 0, payload);
}

TEST_CASE("websockets: mqtt-rr over ws at QoS 0, 1 and 2")
{
    test::Broker broker(with_websockets());
    check_request_reply(broker, {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws"}, "ws-");
}

TEST_CASE("websockets: mqtt-rr over wss at QoS 0, 1 and 2")
{
    Pki pki;
    test::Broker broker(with_websockets(pki.listener()));
    check_request_reply(broker, {"-h", "localhost", "-p", broker.ws_port_str(), "--ws", "--cafile", pki.crt("ca")}, "wss-");
}

TEST_CASE("http proxy: mqtt-rr over ws, wss and mqtt through an HTTP CONNECT proxy")
{
    Pki pki;
    test::Broker broker(with_websockets(pki.listener()));
    test::Broker plain_ws(with_websockets());
    test::HttpProxy proxy;
    check_request_reply(plain_ws, {"-h", "127.0.0.1", "-p", plain_ws.ws_port_str(), "--ws", "--proxy", proxy.url()},
                        "proxied-ws-");
    check_request_reply(
        broker, {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--cafile", pki.crt("ca"), "--proxy", proxy.url()},
        "proxied-wss-");
    check_request_reply(broker, {"-h", "127.0.0.1", "-p", broker.port_str(), "--proxy", proxy.url()}, "proxied-mqtt-");
    // Three tools, three QoS, three ways: each connection asked the proxy for its tunnel.
    const auto requests = proxy.requests();
    REQUIRE(requests.size() == 27);
    CHECK(requests[0].rfind("CONNECT 127.0.0.1:" + plain_ws.ws_port_str() + " HTTP/1.1\r\n", 0) == 0);
    CHECK(requests[9].rfind("CONNECT 127.0.0.1:" + broker.ws_port_str() + " HTTP/1.1\r\n", 0) == 0);
    CHECK(requests[26].rfind("CONNECT 127.0.0.1:" + broker.port_str() + " HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("websockets: --ws-path and --ws-header go into the upgrade request, HTTP refusals have status 15")
{
    struct Case {
        std::string answer;
        std::string line;
    };
    const Case cases[] = {
        {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "Error: WebSocket upgrade refused: HTTP 404 Not Found."},
        {"HTTP/1.1 401 Unauthorized\r\n\r\n", "Error: WebSocket upgrade refused: HTTP 401 Unauthorized."},
        {"HTTP/1.1 503 Service Unavailable\r\n\r\n", "Error: WebSocket upgrade refused: HTTP 503 Service Unavailable."},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n",
         "Error: WebSocket upgrade failed: wrong Sec-WebSocket-Accept from the broker."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        CannedHttp server(c.answer);
        const test::Result r =
            test::run(command("mqtt-pub",
                              {"-h", "127.0.0.1", "-p", server.port_str(), "--ws", "--ws-path", "/mqtt/v1?token=a%2Fb",
                               "--ws-header", "Authorization: Bearer t0k", "--ws-header", "X-Tenant: 7", "-t", "t", "-m", "x"}));
        check_ended(r, 15, "", c.line + " Broker: 127.0.0.1 port " + server.port_str() + " over ws.\n");
        const std::string request = server.request();
        CHECK(request.rfind("GET /mqtt/v1?token=a%2Fb HTTP/1.1\r\nHost: 127.0.0.1:" + server.port_str() + "\r\n", 0) == 0);
        CHECK(request.find("\r\nSec-WebSocket-Protocol: mqtt\r\n") != std::string::npos);
        CHECK(request.find("\r\nAuthorization: Bearer t0k\r\nX-Tenant: 7\r\n\r\n") != std::string::npos);
    }
    // Without --ws-path the path is /mqtt.
    CannedHttp server("HTTP/1.1 404 Not Found\r\n\r\n");
    const test::Result r = test::run(command("mqtt-sub", {"-L", "ws://127.0.0.1:" + server.port_str() + "/t", "-W", "10"}));
    CHECK(r.status == 15);
    CHECK(server.request().rfind("GET /mqtt HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("websockets: a ws URL aimed at a plain MQTT port fails with its own line, status 15")
{
    test::Broker broker;
    const std::string line = "Error: WebSocket upgrade failed: the broker closed the connection (is port " + broker.port_str() +
        " a WebSocket listener, not a plain MQTT one?). Broker: 127.0.0.1 port " + broker.port_str() + " over ws.\n";
    const std::string url = "ws://127.0.0.1:" + broker.port_str() + "/t";
    const std::vector<Args> commands = {
        command("mqtt-pub", {"-L", url, "-m", "x"}),
        command("mqtt-sub", {"-L", url, "-W", "10"}),
        command("mqtt-rr", {"-L", url, "-m", "x", "-W", "10"}),
    };
    for (const auto& argv : commands) {
        CAPTURE(argv.front());
        const test::Result r = test::run(argv);
        check_ended(r, 15, "", line);
    }
}

TEST_CASE("websockets: a lost broker with --reconnect-timeout 0 ends the job with status 7 and leaves no socket file")
{
    test::Broker broker(with_websockets());
    TempDir tmp;
    const Args argv = with_tmpdir(
        tmp.path(), over_ws(broker, "mqtt-sub", {"-i", "restart-sub", "--reconnect-timeout", "0", "-t", "r", "-W", "30"}));
    check_ended(run_subscriber(
                    broker, "restart-sub", argv, [&] { broker.stop(); }, 20s),
                7, "", "Error: The connection was lost.\n");
    CHECK(is_empty_dir(tmp.path()));
}

TEST_CASE("websockets: a TMPDIR others may write without the sticky bit is refused, XDG_RUNTIME_DIR is preferred")
{
    // Another user could rename the socket's private folder and put a socket of theirs in its
    // place, which libmosquitto would then send CONNECT and the password to.
    test::Broker broker(with_websockets());
    TempDir shared;
    ::chmod(shared.path().c_str(), 0777);
    const test::Result r = test::run(with_tmpdir(shared.path(), over_ws(broker, "mqtt-pub", {"-t", "t", "-m", "x"})));
    CHECK(r.status == 1);
    CHECK(r.err ==
          "Error: Unsafe folder for the bridge's private socket: " + shared.path() +
              " is writable by other users and has no sticky bit (set TMPDIR or XDG_RUNTIME_DIR to a folder no "
              "other user can change).\n");
    CHECK(is_empty_dir(shared.path()));

    TempDir runtime;  // 0700, this user's: the socket goes there
    const test::Result x =
        test::run(Args{"/usr/bin/env", "XDG_RUNTIME_DIR=" + runtime.path(), "TMPDIR=" + shared.path(), test::tool("mqtt-pub"),
                       "-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "-t", "t", "-m", "x"});
    CHECK(x.status == 0);
    CHECK(x.err == "");
    CHECK(is_empty_dir(runtime.path()));
    CHECK(is_empty_dir(shared.path()));
}

TEST_CASE("websockets: a TMPDIR too long for a socket path: status 1, nothing left in it")
{
    test::Broker broker(with_websockets());
    TempDir tmp;
    std::string deep = tmp.path();
    while (deep.size() < 118) deep += "/d";
    std::filesystem::create_directories(deep);
    const test::Result r = test::run(with_tmpdir(deep, over_ws(broker, "mqtt-pub", {"-t", "t", "-m", "x"})));
    CHECK(r.status == 1);
    CHECK(r.err == "Error: The temporary folder path " + deep + " is too long for a unix socket.\n");
    CHECK(is_empty_dir(deep));
}

TEST_CASE("websockets: Ctrl-C ends mqtt-sub as over TCP (status 0), with a DISCONNECT, leaving no socket file")
{
    test::Broker broker(with_websockets());
    TempDir tmp;
    const Args argv = with_tmpdir(tmp.path(), over_ws(broker, "mqtt-sub", {"-i", "int-sub", "-t", "r", "-W", "30"}));
    check_ended(run_subscriber(
                    broker, "int-sub", argv, [](test::Child& subscriber) { subscriber.signal(SIGINT); }, 20s),
                0, "");
    CHECK(is_empty_dir(tmp.path()));
    CHECK(broker.wait_for_log("Received DISCONNECT from int-sub"));
}

TEST_CASE("websockets: wss (--ws plus TLS options) at QoS 0, 1 and 2")
{
    Pki pki;
    test::Broker broker(with_websockets(pki.listener()));
    check_round_trip(broker, {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--cafile", pki.crt("ca")}, "wss-sub-");
    // -L wss:// with --cafile: the same listener by URL.
    const test::Result r = test::run(command(
        "mqtt-rr",
        {"-L", "wss://localhost:" + broker.ws_port_str() + "/nobody/home", "--cafile", pki.crt("ca"), "-m", "x", "-W", "2"}));
    CHECK(r.status == 27);
    CHECK(r.err == "Timed out\n");
    CHECK(broker.log().find("Received SUBSCRIBE from ") != std::string::npos);
}

TEST_CASE("websockets: wss with the wrong CA, and wss at a plain ws port, fail in TLS with status 12")
{
    Pki pki;
    test::Broker broker(with_websockets(pki.listener()));
    const test::Result wrong = test::run(
        command("mqtt-pub",
                {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--cafile", pki.crt("other-ca"), "-t", "t", "-m", "x"}));
    CHECK(wrong.status == 12);
    const std::string unverified = "Error: TLS handshake failed: certificate verify failed (self-signed certificate in "
                                   "certificate chain) (broker 127.0.0.1 port " +
        broker.ws_port_str() + " over wss)\n";
    CHECK(wrong.err == unverified);
    // --insecure skips only the host name check, as mosquitto's: the chain is still verified.
    const test::Result insecure = test::run(command("mqtt-pub",
                                                    {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--cafile",
                                                     pki.crt("other-ca"), "--insecure", "-t", "t", "-m", "x"}));
    CHECK(insecure.status == 12);
    CHECK(insecure.err == "Warning: --insecure: the broker's certificate host name is not checked.\n" + unverified);
    const test::Result name = test::run(command(
        "mqtt-pub", {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--cafile", pki.crt("ca"), "-t", "t", "-m", "x"}));
    CHECK(name.status == 0);

    test::Broker plain(with_websockets());
    const test::Result r = test::run(
        command("mqtt-sub", {"-L", "wss://127.0.0.1:" + plain.ws_port_str() + "/t", "--cafile", pki.crt("ca"), "-W", "10"}));
    CHECK(r.status == 12);
    CHECK(r.err ==
          "Error: TLS handshake failed: wrong version number (is port " + plain.ws_port_str() +
              " a TLS port?) (broker 127.0.0.1 port " + plain.ws_port_str() + " over wss)\n");
}

TEST_CASE("http proxy: mqtt, mqtts, ws and wss through an HTTP CONNECT proxy")
{
    Pki pki;
    test::BrokerConfig config = with_websockets(pki.listener());
    config.second_listener = pki.listener();
    test::Broker broker(config);
    test::Broker plain_ws(with_websockets());
    test::HttpProxy proxy;
    check_round_trip(broker, {"-h", "127.0.0.1", "-p", broker.port_str(), "--proxy", proxy.url()}, "proxied-mqtt-");
    check_round_trip(broker,
                     {"-h", "127.0.0.1", "-p", broker.second_port_str(), "--cafile", pki.crt("ca"), "--proxy", proxy.url()},
                     "proxied-mqtts-");
    check_round_trip(plain_ws, {"-h", "127.0.0.1", "-p", plain_ws.ws_port_str(), "--ws", "--proxy", proxy.url()}, "proxied-ws-");
    check_round_trip(broker,
                     {"-L", "wss://127.0.0.1:" + broker.ws_port_str() + "/x", "--cafile", pki.crt("ca"), "--proxy", proxy.url()},
                     "proxied-wss-");
    const auto requests = proxy.requests();
    REQUIRE(requests.size() == 24);
    CHECK(requests[0] ==
          "CONNECT 127.0.0.1:" + broker.port_str() + " HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port_str() + "\r\n\r\n");
    CHECK(requests[23].rfind("CONNECT 127.0.0.1:" + broker.ws_port_str() + " HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("http proxy: credentials go as Basic, a refusal is status 15 with its own line")
{
    test::Broker broker;
    test::HttpProxy refusing("407 Proxy Authentication Required");
    const std::string url = "http://me:s%3Acret@127.0.0.1:" + std::to_string(refusing.port());
    for (const char* tool : {"mqtt-pub", "mqtt-sub"}) {
        CAPTURE(tool);
        const Args args =
            std::string(tool) == "mqtt-pub" ? Args{"--proxy", url, "-t", "t", "-m", "x"} : Args{"--proxy", url, "-t", "t"};
        const test::Result r = test::run(at(broker, tool, args));
        check_ended(r, 15, "",
                    "Error: HTTP proxy: CONNECT refused: HTTP 407 Proxy Authentication Required. Broker: 127.0.0.1 port " +
                        broker.port_str() + " over TCP via HTTP proxy 127.0.0.1:" + std::to_string(refusing.port()) + ".\n");
    }
    const auto requests = refusing.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0] ==
          "CONNECT 127.0.0.1:" + broker.port_str() + " HTTP/1.1\r\nHost: 127.0.0.1:" + broker.port_str() +
              "\r\nProxy-Authorization: Basic bWU6czpjcmV0\r\n\r\n");
    // Nothing listens at the proxy's address: as for the broker itself, status 6.
    const int closed = test::free_port();
    const test::Result r =
        test::run(pub(broker, {"--proxy", "http://127.0.0.1:" + std::to_string(closed), "-t", "t", "-m", "x"}));
    CHECK(r.status == 6);
    CHECK(r.err ==
          "Error: Connection refused (broker 127.0.0.1 port " + broker.port_str() +
              " over TCP via HTTP proxy 127.0.0.1:" + std::to_string(closed) + ")\n");
}

TEST_CASE("hostile peers: control bytes in a proxy's or WebSocket server's status line reach stderr escaped")
{
    // An OSC sequence retitles the terminal window, BEL rings, CSI 2J clears the screen.
    test::HttpProxy proxy("407 \x1b]0;pwned\x07"
                          "Auth\x1b[2J");
    const test::Result p = test::run(command("mqtt-pub", {"-h", "127.0.0.1", "--proxy", proxy.url(), "-t", "t", "-m", "x"}));
    CHECK(p.status == 15);
    CHECK(p.err ==
          "Error: HTTP proxy: CONNECT refused: HTTP 407 \\x1b]0;pwned\\x07Auth\\x1b[2J. Broker: 127.0.0.1 port 1883 "
          "over TCP via HTTP proxy 127.0.0.1:" +
              std::to_string(proxy.port()) + ".\n");

    CannedHttp server("HTTP/1.1 403 \x1b]0;pwned\x07\xc2\x9b"
                      "31mForbidden\r\n\r\n");
    const test::Result w = test::run(command("mqtt-sub", {"-h", "127.0.0.1", "-p", server.port_str(), "--ws", "-t", "t"}));
    CHECK(w.status == 15);
    CHECK(w.err ==
          "Error: WebSocket upgrade refused: HTTP 403 \\x1b]0;pwned\\x07\\xc2\\x9b31mForbidden. Broker: 127.0.0.1 port " +
              server.port_str() + " over ws.\n");
}

TEST_CASE("websockets: a server that never answers the upgrade: --connect-timeout's status 19, for pub, sub and rr")
{
    SilentServer silent;
    const Args connect{"-h", "127.0.0.1", "-p", silent.port_str(), "--ws", "--connect-timeout", "2"};
    for (const auto& [name, args] : {std::pair<std::string, Args>{"mqtt-pub", {"-t", "t", "-m", "x"}},
                                     {"mqtt-sub", {"-t", "t"}},
                                     {"mqtt-rr", {"-t", "t", "-e", "r", "-m", "x"}}}) {
        CAPTURE(name);
        check_unanswered(command(name, joined(connect, args)), 2,
                         "Error: The broker did not answer the WebSocket upgrade within 2 seconds. Broker: 127.0.0.1 port " +
                             silent.port_str() + " over ws.\n");
    }
}

TEST_CASE("websockets: the set-up's bound is --connect-timeout (default 10) or -k, whichever is shorter, or -W when sooner")
{
    SilentServer silent;
    const std::string at = " Broker: 127.0.0.1 port " + silent.port_str() + " over ws.\n";
    check_unanswered(command("mqtt-pub", {"-h", "127.0.0.1", "-p", silent.port_str(), "--ws", "-t", "t", "-m", "x"}), 10,
                     "Error: The broker did not answer the WebSocket upgrade within 10 seconds." + at);
    check_unanswered(command("mqtt-sub", {"-h", "127.0.0.1", "-p", silent.port_str(), "--ws", "-t", "t", "-k", "5"}), 5,
                     "Error: The broker did not answer the WebSocket upgrade within 5 seconds." + at);
    // 0: no bound but the keep-alive interval's, as for CONNACK.
    check_unanswered(
        command("mqtt-sub", {"-h", "127.0.0.1", "-p", silent.port_str(), "--ws", "-t", "t", "-k", "5", "--connect-timeout", "0"}),
        5, "Error: The broker did not answer the WebSocket upgrade within 5 seconds." + at);
    const test::Result timed =
        test::run(command("mqtt-sub", {"-h", "127.0.0.1", "-p", silent.port_str(), "--ws", "-t", "t", "-W", "1"}));
    CHECK(timed.status == 27);
    CHECK(timed.err == "Timed out\n");
}

TEST_CASE("websockets: wss at a server that never answers TLS: status 19 and the TLS handshake's line, for pub, sub and rr")
{
    Pki pki;
    SilentServer silent;
    const Args connect{"-L", "wss://127.0.0.1:" + silent.port_str() + "/t", "--cafile", pki.crt("ca"), "--connect-timeout", "2"};
    for (const char* name : {"mqtt-pub", "mqtt-sub", "mqtt-rr"}) {
        CAPTURE(name);
        const Args args = std::string(name) == "mqtt-sub" ? Args{} : Args{"-m", "x"};
        check_unanswered(command(name, joined(connect, args)), 2,
                         "Error: The broker did not answer the TLS handshake within 2 seconds. Broker: 127.0.0.1 port " +
                             silent.port_str() + " over wss.\n");
    }
}

TEST_CASE("http proxy: a proxy that never answers CONNECT, and a tunnel to a server that never answers: status 19")
{
    SilentServer silent_proxy;
    const std::string url = "http://127.0.0.1:" + silent_proxy.port_str();
    test::Broker broker(with_websockets());
    // mqtt and ws through the proxy: its CONNECT answer is the step that never comes.
    const std::vector<Args> commands = {
        command("mqtt-pub",
                {"-h", "127.0.0.1", "-p", broker.port_str(), "--proxy", url, "--connect-timeout", "2", "-t", "t", "-m", "x"}),
        command("mqtt-sub",
                {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--proxy", url, "--connect-timeout", "2", "-t", "t"}),
        command("mqtt-rr",
                {"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "--proxy", url, "--connect-timeout", "2", "-t", "t", "-e",
                 "r", "-m", "x"}),
    };
    const std::string via = " via HTTP proxy 127.0.0.1:" + silent_proxy.port_str() + ".\n";
    const std::string lines[] = {"Broker: 127.0.0.1 port " + broker.port_str() + " over TCP" + via,
                                 "Broker: 127.0.0.1 port " + broker.ws_port_str() + " over ws" + via,
                                 "Broker: 127.0.0.1 port " + broker.ws_port_str() + " over ws" + via};
    for (std::size_t i = 0; i < commands.size(); ++i) {
        CAPTURE(commands[i][0]);
        check_unanswered(commands[i], 2, "Error: The HTTP proxy did not answer CONNECT within 2 seconds. " + lines[i]);
    }
    // A proxy that opens the tunnel to a server that never answers the upgrade.
    SilentServer silent;
    test::HttpProxy proxy;
    check_unanswered(command("mqtt-sub",
                             {"-h", "127.0.0.1", "-p", silent.port_str(), "--ws", "--proxy", proxy.url(), "--connect-timeout",
                              "2", "-t", "t"}),
                     2,
                     "Error: The broker did not answer the WebSocket upgrade within 2 seconds. Broker: 127.0.0.1 port " +
                         silent.port_str() + " over ws via HTTP proxy 127.0.0.1:" + std::to_string(proxy.port()) + ".\n");
}

TEST_CASE("websockets: after a lost connection, an upgrade nobody answers is tried again until --reconnect-timeout")
{
    test::Broker broker(with_websockets());
    test::Child subscriber(
        over_ws(broker, "mqtt-sub", {"-i", "ws-silent-again", "-t", "r", "--connect-timeout", "2", "--reconnect-timeout", "5"}));
    require_subscribed(broker, "ws-silent-again");
    const auto start = Clock::now();
    broker.stop();
    SilentServer silent(broker.ws_port());  // where the broker was: accepts, never answers
    const test::Result r = subscriber.wait(30s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 7);
    CHECK(r.err ==
          "Error: The connection was lost. No new connection within 5 seconds (The broker did not answer the "
          "WebSocket upgrade within 2 seconds). Broker: 127.0.0.1 port " +
              std::to_string(broker.ws_port()) + " over ws.\n");
    CHECK(seconds_since(start) >= 4.5);
    CHECK(seconds_since(start) < 25);
}

TEST_CASE("websockets: a broker that breaks the protocol after the upgrade: status 7 and the reason")
{
    struct Case {
        std::string frame;
        std::string line;
    };
    const Case cases[] = {
        {"\x81\x02hi", "Error: WebSocket: the broker sent a text frame (MQTT needs binary frames)."},
        {std::string("\x82\x82\x01\x02\x03\x04xy", 8), "Error: WebSocket: the broker sent a masked frame."},
        // A close frame is an orderly end of the connection, not an error of the broker's.
        {std::string("\x88\x02\x03\xe8", 4), "Error: The connection was closed before the broker answered CONNECT."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        CannedHttp server({}, c.frame);
        TempDir tmp;
        const test::Result r = test::run(with_tmpdir(
            tmp.path(), command("mqtt-sub", {"-h", "127.0.0.1", "-p", server.port_str(), "--ws", "-t", "t", "-W", "10"})));
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 7);
        // Before CONNACK: the line names the broker.
        CHECK(r.err == c.line + " Broker: 127.0.0.1 port " + server.port_str() + " over ws.\n");
        CHECK(is_empty_dir(tmp.path()));
    }
}

TEST_CASE("websockets: mqtt-sub over ws reconnects and resubscribes after a broker restart, leaving no socket file")
{
    test::Broker broker(with_websockets());
    TempDir tmp;
    const Args argv = with_tmpdir(tmp.path(), over_ws(broker, "mqtt-sub", {"-i", "ws-again", "-t", "r", "-C", "2", "-W", "60"}));
    check_ended(run_subscriber(broker, "ws-again", argv, restart_between(broker, "ws-again"), 30s), 0, "one\ntwo\n");
    CHECK(is_empty_dir(tmp.path()));
}

TEST_CASE("websockets: --psk with --ws: the bridge does TLS-PSK, but Debian's mosquitto 2.0.11 serves none over WebSockets")
{
    TempDir dir;
    const std::string psk_file = dir.write("psk", "reader:00112233445566778899aabbccddeeff\n");
    const Args psk{"--psk", "00112233445566778899aabbccddeeff", "--psk-identity", "reader"};
    test::BrokerConfig config = with_websockets("psk_hint mqtt-tools\n");
    config.extra = "psk_file " + psk_file;
    config.second_listener = "psk_hint mqtt-tools\n";
    test::Broker broker(config);
    // The bridge's own TLS-PSK handshake, with the broker's PSK listener through the proxy.
    test::HttpProxy proxy;
    check_round_trip(broker, joined({"-h", "127.0.0.1", "-p", broker.second_port_str(), "--proxy", proxy.url()}, psk),
                     "proxied-psk-");
    // A websockets listener with psk_hint (and no certificate) speaks plain ws, not TLS.
    const test::Result plain = test::run(
        command("mqtt-pub", joined({"-h", "127.0.0.1", "-p", broker.ws_port_str(), "--ws", "-t", "t", "-m", "x"}, psk)));
    CHECK(plain.status == 12);
    CHECK(plain.err ==
          "Error: TLS handshake failed: wrong version number (is port " + broker.ws_port_str() +
              " a TLS port?) (broker 127.0.0.1 port " + broker.ws_port_str() + " over wss)\n");
    // With a certificate too it speaks TLS but declines the key and sends the certificate,
    // which would authenticate nobody here: refused.
    Pki pki;
    test::BrokerConfig with_certificate = with_websockets(pki.listener("server", "psk_hint mqtt-tools\n"));
    with_certificate.extra = "psk_file " + psk_file;
    test::Broker tls_broker(with_certificate);
    for (const char* name : {"mqtt-pub", "mqtt-sub", "mqtt-rr"}) {
        CAPTURE(name);
        const Args args = std::string(name) == "mqtt-sub" ? Args{"-t", "t"} : Args{"-t", "t", "-m", "x"};
        const test::Result r =
            test::run(command(name, joined(joined({"-h", "127.0.0.1", "-p", tls_broker.ws_port_str(), "--ws"}, psk), args)));
        CHECK(r.status == 12);
        CHECK(r.err ==
              "Error: TLS handshake failed: the broker did not take the pre-shared key (--psk) and sent a certificate "
              "instead (broker 127.0.0.1 port " +
                  tls_broker.ws_port_str() + " over wss)\n");
    }
    CHECK(tls_broker.log().find("Received CONNECT") == std::string::npos);
}

TEST_CASE("websockets: a flood of empty continuation frames before CONNACK ends at --connect-timeout (was a hang)")
{
    FloodingServer server(std::string("\x02\x00", 2), std::string("\x00\x00", 2), false);
    const auto start = Clock::now();
    const test::Result r = test::run({test::tool("mqtt-pub"), "--ws", "-h", "127.0.0.1", "-p", server.port_str(),
                                      "--connect-timeout", "2", "-t", "t", "-m", "x"},
                                     {}, 60s);
    check_ended(r, 19, "",
                "Error: The broker did not answer CONNECT within 2 seconds. Broker: 127.0.0.1 port " + server.port_str() +
                    " over ws.\n");
    CHECK(seconds_since(start) < 30);
}

TEST_CASE("websockets: a flood of pings after CONNACK: -W ends mqtt-sub (27), the pongs waiting stay bounded")
{
    FloodingServer server({}, std::string("\x89\x00", 2), true);
    const auto start = Clock::now();
    test::Child subscriber({test::tool("mqtt-sub"), "--ws", "-h", "127.0.0.1", "-p", server.port_str(), "-t", "t", "-W", "15"});
    // 16 MiB of pings to a peer that reads nothing: one pong each held 70 MB.
    const bool flooded = server.wait_for_sent(16u << 20, 60s);
    const long peak = peak_rss_kib(subscriber.pid());
    INFO("peak RSS during the flood: " << peak << " KiB");
    const test::Result r = subscriber.wait(60s);
    CHECK(flooded);
    CHECK(peak < 100 * 1024);
    check_ended(r, 27, "", "Timed out\n");
    CHECK(seconds_since(start) < 50);
}

TEST_CASE("websockets: SIGTERM ends mqtt-sub during a flood of empty continuation frames")
{
    FloodingServer server(std::string("\x02\x00", 2), std::string("\x00\x00", 2), true);
    test::Child subscriber({test::tool("mqtt-sub"), "--ws", "-h", "127.0.0.1", "-p", server.port_str(), "-t", "t"});
    REQUIRE(server.wait_for_sent(4u << 20, 60s));
    const auto start = Clock::now();
    subscriber.signal(SIGTERM);
    const test::Result r = subscriber.wait(30s);
    check_ended(r, 0, "");
    CHECK(seconds_since(start) < 25);
}

TEST_CASE("websockets: mqtt-bench pubsub over ws and wss, and through an HTTP CONNECT proxy, counts every message")
{
    Pki pki;
    test::Broker broker(with_websockets(pki.listener()));
    test::Broker plain_ws(with_websockets());
    test::HttpProxy proxy;
    const auto run = [](const Args& connection) {
        Args argv{test::tool("mqtt-bench"), "pubsub"};
        argv.insert(argv.end(), connection.begin(), connection.end());
        argv.insert(argv.end(), {"-c", "3", "-q", "1", "--rate", "50", "-C", "4", "--json", "--quiet"});
        const test::Result r = test::run(argv, {}, 60s);
        CHECK_FALSE(r.timed_out);
        CHECK(r.status == 0);
        CHECK(r.err == "");
        INFO("report: " << r.out);
        CHECK(r.out.find(R"("connects":{"ok":4,"failed":{},"lost":0,"retried":0,"reconnected":0,"reconnect_failed":{}},)"
                         R"("offered":12,"sent":12,"acked":12,)") != std::string::npos);
        CHECK(r.out.find(R"("received":12,"lost":0,"duplicated":0,"reordered":0,"foreign":0,)") != std::string::npos);
    };
    SUBCASE("ws")
    {
        run({"-h", "127.0.0.1", "-p", plain_ws.ws_port_str(), "--ws"});
    }
    SUBCASE("wss")
    {
        run({"-h", "localhost", "-p", broker.ws_port_str(), "--ws", "--cafile", pki.crt("ca")});
    }
    SUBCASE("mqtt through the proxy")
    {
        run({"-h", "127.0.0.1", "-p", broker.port_str(), "--proxy", proxy.url()});
        const auto requests = proxy.requests();
        REQUIRE(requests.size() == 4);  // one tunnel per client
        for (const auto& request : requests) {
            CHECK(request.rfind("CONNECT 127.0.0.1:" + broker.port_str() + " HTTP/1.1\r\n", 0) == 0);
        }
    }
    SUBCASE("ws through the proxy")
    {
        run({"-h", "127.0.0.1", "-p", plain_ws.ws_port_str(), "--ws", "--proxy", proxy.url()});
        CHECK(proxy.requests().size() == 4);
    }
}
