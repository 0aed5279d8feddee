// --wait-for-broker: the first connection is tried again while the broker (or the proxy in
// front of it) is not up yet, until the deadline; after it, the last attempt's status.
#include "e2e.h"
#include "http_proxy.h"
#include "silent_server.h"

#include <atomic>
#include <csignal>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

using namespace e2e;

namespace {

/// Accepts TCP connections on 127.0.0.1:`port` and closes each at once, counting them:
/// what a port forwarder (docker-proxy) does while the broker behind it is not up yet.
class ClosingServer {
public:
    explicit ClosingServer(int port) : m_listener(std::make_unique<SilentServer>(port))
    {
        m_thread = std::thread([this, fd = m_listener->fd()] {
            while (!m_stop) {
                pollfd p{fd, POLLIN, 0};
                if (::poll(&p, 1, 20) <= 0) continue;
                const int client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (client < 0) continue;
                ::close(client);
                ++m_accepted;
            }
        });
    }
    ~ClosingServer() { close(); }
    ClosingServer(const ClosingServer&) = delete;
    ClosingServer& operator=(const ClosingServer&) = delete;

    /// Waits until `count` connections came (and were closed), at most `timeout`.
    bool wait_for_connections(int count, std::chrono::milliseconds timeout) const
    {
        return wait_until([&] { return m_accepted >= count; }, timeout);
    }
    /// Stops listening: connections to the port are refused from now on.
    void close()
    {
        if (!m_listener) return;
        m_stop = true;
        m_thread.join();
        m_listener.reset();
    }

private:
    std::unique_ptr<SilentServer> m_listener;  ///< its socket, accepted from here
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_accepted{0};
    std::thread m_thread;
};

/// Waits until `proxy` has been asked for `count` tunnels, at most `timeout`.
bool wait_for_requests(const test::HttpProxy& proxy, std::size_t count, std::chrono::milliseconds timeout)
{
    return wait_until([&] { return proxy.requests().size() >= count; }, timeout);
}

}  // namespace

TEST_CASE("wait for broker: mqtt-pub, mqtt-sub, mqtt-rr and --probe connect once the broker is up")
{
    test::Broker broker;
    const std::string port = broker.port_str();
    broker.stop();
    struct Case {
        std::string tool;
        Args args;
    };
    const Case cases[] = {
        {"mqtt-pub", {"-i", "wait-pub", "-t", "t", "-m", "x"}},
        {"mqtt-sub", {"-i", "wait-sub", "-t", "t", "-E"}},
        {"mqtt-sub", {"-i", "wait-probe", "--probe"}},
        {"mqtt-rr", {"-i", "wait-rr", "-t", "req", "-e", "resp", "-m", "x"}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args[1]);
        ClosingServer starting(broker.port());
        Args argv = command(c.tool, {"--wait-for-broker", "60", "-h", "127.0.0.1", "-p", port});
        argv.insert(argv.end(), c.args.begin(), c.args.end());
        test::Child child(argv);
        // Tried, closed before any CONNACK, tried again: the tool is still waiting.
        REQUIRE(starting.wait_for_connections(2, 20s));
        starting.close();  // refused until the broker is up
        broker.restart();
        if (c.tool == "mqtt-rr") {
            // Nobody answers the request: its PUBLISH shows it connected and subscribed.
            CHECK(broker.wait_for_log("Received PUBLISH from wait-rr", 20s));
            child.signal(SIGINT);
        }
        const test::Result r = child.wait(30s);
        CHECK_FALSE(r.timed_out);
        if (c.tool == "mqtt-rr") {
            CHECK(r.status == 11);
            CHECK(r.err == "Error: Interrupted by SIGINT before the job was done.\n");
        } else {
            CHECK(r.status == 0);
            CHECK(r.err == "");
        }
        if (c.args[1] == "wait-probe") {
            CHECK(
                r.out.starts_with("{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"protocol\":\"mqttv311\",\"connected\":true,"));
        }
        CHECK(broker.wait_for_log("New client connected from 127.0.0.1", 5s));
        broker.stop();
    }
}

TEST_CASE("wait for broker: after the deadline, the last attempt's status (6 refused), not before")
{
    const int closed = test::free_port();
    const auto start = Clock::now();
    const test::Result r = test::run(
        command("mqtt-pub", {"--wait-for-broker", "2", "-h", "127.0.0.1", "-p", std::to_string(closed), "-t", "t", "-m", "x"}));
    const double elapsed = seconds_since(start);
    const std::string refused = "Error: Connection refused (broker 127.0.0.1 port " + std::to_string(closed) + " over TCP)";
    CHECK(r.status == 6);
    CHECK(r.err == refused + "\n");
    CHECK(elapsed >= 1.9);
    CHECK(elapsed < 15);

    // MQTT_WAIT_FOR_BROKER, as every option's variable; --probe prints its object at the end.
    const test::Result p = test::run({"/usr/bin/env", "MQTT_WAIT_FOR_BROKER=1", test::tool("mqtt-sub"), "--probe", "-h",
                                      "127.0.0.1", "-p", std::to_string(closed)});
    CHECK(p.status == 6);
    CHECK(p.out ==
          "{\"host\":\"127.0.0.1\",\"port\":" + std::to_string(closed) +
              ",\"protocol\":\"mqttv311\",\"connected\":false,\"error\":\"" + refused + "\",\"status\":6}\n");

    // Default off: the first failure ends the job at once, as before.
    const auto at_once = Clock::now();
    const test::Result now =
        test::run(command("mqtt-pub", {"-h", "127.0.0.1", "-p", std::to_string(closed), "-t", "t", "-m", "x"}));
    CHECK(now.status == 6);
    CHECK(seconds_since(at_once) < 5);
}

TEST_CASE("wait for broker: an HTTP proxy answering 502 while the broker starts is asked again, a 407 is not")
{
    test::Broker broker;
    const std::string port = broker.port_str();
    broker.stop();
    {
        test::HttpProxy proxy;  // 502 Bad Gateway while nothing listens behind it
        test::Child child(
            command("mqtt-pub",
                    {"--wait-for-broker", "60", "--proxy", proxy.url(), "-h", "127.0.0.1", "-p", port, "-t", "t", "-m", "x"}));
        REQUIRE(wait_for_requests(proxy, 2, 20s));
        broker.restart();
        const test::Result r = child.wait(30s);
        CHECK(r.status == 0);
        CHECK(r.err == "");
        broker.stop();
    }
    {
        test::HttpProxy proxy;
        const test::Result r = test::run(command(
            "mqtt-pub", {"--wait-for-broker", "2", "--proxy", proxy.url(), "-h", "127.0.0.1", "-p", port, "-t", "t", "-m", "x"}));
        CHECK(r.status == 15);
        CHECK(r.err ==
              "Error: HTTP proxy: CONNECT refused: HTTP 502 Bad Gateway. Broker: 127.0.0.1 port " + port +
                  " over TCP via HTTP proxy 127.0.0.1:" + std::to_string(proxy.port()) + ".\n");
        CHECK(proxy.requests().size() >= 2);
    }
    test::HttpProxy refusing("407 Proxy Authentication Required");
    const test::Result r = test::run(command(
        "mqtt-pub", {"--wait-for-broker", "30", "--proxy", refusing.url(), "-h", "127.0.0.1", "-p", port, "-t", "t", "-m", "x"}));
    CHECK(r.status == 15);
    CHECK(r.err ==
          "Error: HTTP proxy: CONNECT refused: HTTP 407 Proxy Authentication Required. Broker: 127.0.0.1 port " + port +
              " over TCP via HTTP proxy 127.0.0.1:" + std::to_string(refusing.port()) + ".\n");
    CHECK(refusing.requests().size() == 1);
}
