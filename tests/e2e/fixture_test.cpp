// Checks of the end-to-end test fixture itself (tests/support), so that a failing tool test
// points at the tool, not at the harness.
#include "broker.h"
#include "mqtt_tap.h"
#include "process.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;

// A bare MQTT 3.1.1 client, so that these tests depend on neither the tools nor
// mosquitto-clients.
class RawClient {
public:
    explicit RawClient(int port) : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0))
    {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = m_fd >= 0 && ::connect(m_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~RawClient()
    {
        if (m_fd >= 0) ::close(m_fd);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return m_connected; }

    // CONNECT, then the CONNACK return code (-1 when none arrives).
    int connect(const std::string& client_id, const std::string& user = {}, const std::string& pass = {})
    {
        std::string body = field("MQTT") + '\x04';
        body += static_cast<char>(0x02 | (user.empty() ? 0 : 0xC0));  // clean session
        body += std::string("\x00\x3c", 2) + field(client_id);        // keep alive 60 s
        if (!user.empty()) body += field(user) + field(pass);
        send_packet('\x10', body);
        const std::string connack = receive(4);
        return connack.size() == 4 && connack[0] == '\x20' ? connack[3] : -1;
    }

    void subscribe(const std::string& filter) { send_packet('\x82', std::string("\x00\x01", 2) + field(filter) + '\x00'); }

private:
    static std::string field(const std::string& s)
    {
        return std::string{static_cast<char>(s.size() >> 8), static_cast<char>(s.size() & 0xff)} + s;
    }
    void send_packet(char type, const std::string& body)
    {
        REQUIRE(body.size() < 128);  // one-byte remaining length is all these tests need
        const std::string packet = type + std::string(1, static_cast<char>(body.size())) + body;
        REQUIRE(::send(m_fd, packet.data(), packet.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(packet.size()));
    }
    std::string receive(std::size_t bytes)
    {
        std::string data;
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (data.size() < bytes && std::chrono::steady_clock::now() < deadline) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 10) <= 0) continue;
            char buf[64];
            const ssize_t n = ::recv(m_fd, buf, std::min(sizeof buf, bytes - data.size()), 0);
            if (n <= 0) break;
            data.append(buf, static_cast<std::size_t>(n));
        }
        return data;
    }

    int m_fd;
    bool m_connected = false;
};

bool accepts_connections(int port)
{
    return RawClient(port).connected();
}

std::string binary_data(std::size_t size)
{
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 7 + i / 256) & 0xff);
    data[0] = '\0';
    data[1] = '\xff';
    data[size - 1] = '\xff';
    return data;
}

}  // namespace

TEST_CASE("fixture: two brokers at once get different ports and both accept connections")
{
    test::Broker a;
    test::Broker b;
    CHECK(a.port() > 0);
    CHECK(b.port() > 0);
    CHECK(a.port() != b.port());
    CHECK(a.dir() != b.dir());
    CHECK(accepts_connections(a.port()));
    CHECK(accepts_connections(b.port()));
    CHECK(a.port_str() == std::to_string(a.port()));
}

TEST_CASE("fixture: stop() closes the port and may be repeated")
{
    test::Broker broker;
    REQUIRE(accepts_connections(broker.port()));
    broker.stop();
    CHECK_FALSE(accepts_connections(broker.port()));
    broker.stop();
    CHECK(broker.log().find("terminating") != std::string::npos);
}

TEST_CASE("fixture: the destructor removes the broker's folder")
{
    std::string dir;
    {
        test::Broker broker;
        dir = broker.dir();
        CHECK(::access(dir.c_str(), F_OK) == 0);
    }
    CHECK(::access(dir.c_str(), F_OK) != 0);
}

TEST_CASE("fixture: a broker with a user refuses anonymous clients and accepts the user")
{
    test::Broker broker({.username = "alice", .password = "s3cret pass", .extra = {}});
    CHECK(broker.wait_for_log(" running\n", 1s));
    CHECK(broker.log().find("Config loaded from " + broker.dir()) != std::string::npos);

    constexpr int not_authorized = 5;
    CHECK(RawClient(broker.port()).connect("anon") == not_authorized);
    CHECK(RawClient(broker.port()).connect("bad", "alice", "wrong") == not_authorized);
    CHECK(RawClient(broker.port()).connect("good", "alice", "s3cret pass") == 0);
}

TEST_CASE("fixture: extra config lines reach mosquitto")
{
    // By default an empty client id gets one assigned; this makes it "identifier rejected".
    test::Broker broker({.username = {}, .password = {}, .extra = "allow_zero_length_clientid false"});
    constexpr int identifier_rejected = 2;
    CHECK(RawClient(broker.port()).connect("") == identifier_rejected);
    test::Broker plain;
    CHECK(RawClient(plain.port()).connect("") == 0);
}

TEST_CASE("fixture: a second listener gets a port of its own and its own settings")
{
    test::BrokerConfig config;
    config.second_listener = "max_connections 1\n";
    test::Broker broker(config);
    REQUIRE(broker.second_port() > 0);
    CHECK(broker.second_port() != broker.port());
    RawClient first(broker.second_port());
    CHECK(first.connect("first") == 0);
    // The second listener's limit applies to it alone.
    CHECK(RawClient(broker.second_port()).connect("second") == -1);
    CHECK(RawClient(broker.port()).connect("third") == 0);
    CHECK(test::Broker().second_port() == 0);
}

TEST_CASE("fixture: a broker that cannot start throws with mosquitto's complaint")
{
    try {
        test::Broker broker({.username = {}, .password = {}, .extra = "no_such_option 1"});
        FAIL("mosquitto started with an unknown option");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("no_such_option") != std::string::npos);
    }
}

TEST_CASE("fixture: wait_for_suback sees a subscription and no other")
{
    test::Broker broker;
    RawClient client(broker.port());
    REQUIRE(client.connect("sub-ab") == 0);
    client.subscribe("a/#");
    CHECK(broker.wait_for_suback("sub-ab", 5s));
    CHECK_FALSE(broker.wait_for_suback("sub-a", 50ms));
    CHECK_FALSE(broker.wait_for_log("never logged", 20ms));
}

TEST_CASE("fixture: run captures stdout, stderr and the exit status")
{
    const test::Result r = test::run({"/bin/sh", "-c", "cat >/dev/null; printf out; printf err >&2; exit 3"}, "some input\n");
    CHECK(r.status == 3);
    CHECK_FALSE(r.timed_out);
    CHECK(r.out == "out");
    CHECK(r.err == "err");
}

TEST_CASE("fixture: run passes binary input through exactly")
{
    const std::string data = binary_data(1 << 20);
    const test::Result r = test::run({"/bin/cat"}, data, 10s);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    REQUIRE(r.out.size() == data.size());
    CHECK(r.out == data);
}

TEST_CASE("fixture: empty input is an empty stdin")
{
    const test::Result r = test::run({"/bin/cat"}, {}, 5s);
    CHECK(r.status == 0);
    CHECK_FALSE(r.timed_out);
    CHECK(r.out.empty());
}

TEST_CASE("fixture: a run past its timeout is killed promptly")
{
    const auto start = std::chrono::steady_clock::now();
    const test::Result r = test::run({"/bin/sleep", "5"}, {}, 200ms);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.timed_out);
    CHECK(r.status == 128 + SIGKILL);
    CHECK(took >= 200ms);
    CHECK(took < 2s);
}

TEST_CASE("fixture: the child has a private HOME, only fds 0-2 and default signals")
{
    // Ignored signals would otherwise be inherited by the tools.
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    const test::Result r = test::run({"/bin/sh", "-c",
                                      "echo \"$HOME\"; echo \"$XDG_CONFIG_HOME\"; ls -A \"$HOME\" | wc -l; "
                                      "ls /proc/$$/fd; grep SigIgn /proc/$$/status"});
    std::signal(SIGPIPE, previous);
    REQUIRE(r.status == 0);
    const char* home = std::getenv("HOME");
    CHECK(r.out.find(std::string(home != nullptr ? home : "/nonexistent") + "\n") == std::string::npos);
    const std::string private_home = r.out.substr(0, r.out.find('\n'));
    CHECK(private_home.find("mqtt-tools-home") != std::string::npos);
    CHECK(r.out.starts_with(private_home + "\n" + private_home + "\n0\n0\n1\n2\n"));
    CHECK(r.out.find("SigIgn:\t0000000000000000\n") != std::string::npos);
}

TEST_CASE("fixture: a program that cannot be executed gives status 127")
{
    const test::Result r = test::run({"/nonexistent/tool"});
    CHECK(r.status == 127);
    CHECK(r.err.find("/nonexistent/tool") != std::string::npos);
}

TEST_CASE("fixture: tool() points into the build directory")
{
    CHECK(test::tool("mqtt-pub") == std::string(MQTT_TOOLS_BIN_DIR) + "/mqtt-pub");
}

TEST_CASE("fixture: a background child ends when its input does")
{
    const std::string data = binary_data(100000);
    test::Child child({"/bin/cat"}, data);
    CHECK(child.pid() > 0);
    CHECK(child.wait_for_output(data.size(), 5s));
    const test::Result r = child.wait(5s);
    CHECK(r.status == 0);
    CHECK_FALSE(r.timed_out);
    CHECK(r.out == data);
    CHECK(child.out_so_far() == data);
}

TEST_CASE("fixture: a background child stopped by a signal")
{
    test::Child child({"/bin/sleep", "10"});
    CHECK_FALSE(child.wait_for_output(1, 50ms));
    child.signal(SIGTERM);
    const test::Result r = child.wait(5s);
    CHECK(r.status == 128 + SIGTERM);
    CHECK_FALSE(r.timed_out);
    child.signal(SIGTERM);  // reaped: must not reach whoever has that PID now
}

TEST_CASE("fixture: a child signalled at once never runs the test's own handlers")
{
    // With this handler inherited, a SIGTERM arriving before exec would be swallowed and
    // sleep would run to the timeout.
    struct sigaction ignore_term {};
    struct sigaction previous {};
    ignore_term.sa_handler = [](int) {};
    ::sigaction(SIGTERM, &ignore_term, &previous);
    for (int i = 0; i < 20; ++i) {
        test::Child child({"/bin/sleep", "10"});
        child.signal(SIGTERM);
        const test::Result r = child.wait(2s);
        CHECK(r.status == 128 + SIGTERM);
        CHECK(r.out.empty());
    }
    ::sigaction(SIGTERM, &previous, nullptr);
}

TEST_CASE("fixture: a child still running at the end of its scope is killed and reaped")
{
    pid_t pid = -1;
    {
        test::Child child({"/bin/sleep", "10"});
        pid = child.pid();
        CHECK(::kill(pid, 0) == 0);
    }
    CHECK(::kill(pid, 0) != 0);  // neither running nor a zombie
}

TEST_CASE("fixture: brokers and children leave no fd, zombie or folder behind")
{
    const auto open_fds = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator());
    };
    const auto fds_before = open_fds();
    std::string dir;
    {
        test::Broker broker({.username = "u", .password = "p", .extra = {}});
        dir = broker.dir();
        test::Child running({"/bin/sleep", "10"});
        test::Child ended({"/bin/true"});
        CHECK(ended.wait(5s).status == 0);
        CHECK(test::run({"/bin/false"}).status == 1);
        CHECK(test::run({"/bin/sleep", "1"}, {}, 10ms).timed_out);
    }
    CHECK(open_fds() == fds_before);
    CHECK_FALSE(std::filesystem::exists(dir));
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);  // no child left, not even a zombie
    CHECK(errno == ECHILD);
}

TEST_CASE("fixture: the tap relays both ways, decodes the packets and leaves no fd behind")
{
    const auto open_fds = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator());
    };
    test::Broker broker;
    const auto fds_before = open_fds();
    {
        test::Tap tap(broker.port());
        {
            RawClient client(std::stoi(tap.port_str()));
            REQUIRE(client.connected());
            CHECK(client.connect("tapped") == 0);
            client.subscribe("a/#");
            REQUIRE(broker.wait_for_suback("tapped"));
        }
        REQUIRE(broker.wait_for_log("Client tapped closed its connection."));
        const auto sent = tap.sent_by("tapped");
        REQUIRE(sent.size() == 2);
        CHECK(sent[0].type == "CONNECT");
        CHECK(sent[0].client_id == "tapped");
        CHECK(sent[1].type == "SUBSCRIBE");
        CHECK(sent[1].filters == std::vector<std::string>{"a/#"});
        CHECK(sent[1].properties.empty());  // MQTT 3.1.1 has none
        CHECK(tap.wait_for_sent("tapped", "SUBSCRIBE", 10ms));
        CHECK_FALSE(tap.wait_for_sent("tapped", "DISCONNECT", 10ms));
        const auto received = tap.received_by("tapped");
        REQUIRE(received.size() == 2);
        CHECK(received[0].type == "CONNACK");
        CHECK(received[1].type == "SUBACK");
        CHECK(tap.sent_by("someone else").empty());
        CHECK(test::describe({"a=1", "b=x:y"}) == "a=1 b=x:y");
    }
    CHECK(open_fds() == fds_before);
}
