// --proxy: connecting through a real SOCKS5 proxy (Debian's microsocks) on 127.0.0.1.
#include "e2e.h"

#include <thread>

using namespace e2e;

namespace {

/// microsocks on a free 127.0.0.1 port, optionally requiring a user name and password;
/// killed (by PID) when the test ends.
class SocksProxy {
public:
    explicit SocksProxy(const std::string& user = {}, const std::string& password = {})
    {
        for (int attempt = 0; attempt < 5 && !m_child; ++attempt) {
            m_port = test::free_port();
            Args argv{"/usr/bin/microsocks", "-i", "127.0.0.1", "-p", std::to_string(m_port)};
            if (!user.empty()) argv.insert(argv.end(), {"-u", user, "-P", password});
            auto child = std::make_unique<test::Child>(argv);
            if (wait_until([&] { return test::can_connect(m_port); }, 5s)) m_child = std::move(child);
        }
        REQUIRE_MESSAGE(m_child, "microsocks did not start");
    }

    /// The proxy as error lines name it.
    std::string address() const { return "127.0.0.1:" + std::to_string(m_port); }

    std::string url(const std::string& credentials = {}) const
    {
        return "socks5h://" + credentials + "127.0.0.1:" + std::to_string(m_port);
    }

private:
    int m_port = 0;
    std::unique_ptr<test::Child> m_child;
};

}  // namespace

TEST_CASE("proxy: mqtt-pub and mqtt-sub reach the broker through a SOCKS5 proxy")
{
    test::Broker broker;
    SocksProxy proxy;
    const Args argv = sub(broker, {"--proxy", proxy.url(), "-i", "via-proxy", "-t", "p", "-v", "-C", "1", "-W", "10"});
    const test::Result r = run_subscriber(broker, "via-proxy", argv, [&] {
        publish(broker, {"--proxy", proxy.url(), "-q", "1", "-t", "p", "-m", "through socks"});
    });
    check_ended(r, 0, "p through socks\n");
}

TEST_CASE("proxy: credentials, with ':' and '@' escaped in the password")
{
    test::Broker broker;
    SocksProxy proxy("user", "pa:ss@word");
    const test::Result good = test::run(pub(broker, {"--proxy", proxy.url("user:pa%3Ass%40word@"), "-t", "p", "-m", "x"}));
    CHECK(good.status == 0);
    CHECK(good.err == "");

    const test::Result bad = test::run(pub(broker, {"--proxy", proxy.url("user:wrong@"), "-t", "p", "-m", "x"}));
    CHECK(bad.status == 6);
    CHECK(bad.err ==
          "Error: SOCKS5 proxy: access denied (user name, password or target not allowed). Broker: 127.0.0.1 "
          "port " +
              broker.port_str() + " over TCP via SOCKS5 proxy " + proxy.address() + ".\n");
}

TEST_CASE("proxy: a broker the proxy cannot reach gives status 6")
{
    SocksProxy proxy;
    test::Broker broker;
    const int port = broker.port();
    broker.stop();
    const test::Result r = test::run(
        command("mqtt-sub", {"--proxy", proxy.url(), "-h", "127.0.0.1", "-p", std::to_string(port), "-t", "t", "-W", "10"}));
    CHECK(r.status == 6);
    CHECK(r.err ==
          "Error: SOCKS5 proxy: the proxy could not reach the broker. Broker: 127.0.0.1 port " + std::to_string(port) +
              " over TCP via SOCKS5 proxy " + proxy.address() + ".\n");
}

TEST_CASE("proxy: a bad proxy URL is a usage error")
{
    const test::Result r = test::run(command("mqtt-pub", {"--proxy", "https://127.0.0.1:3128", "-t", "t", "-m", "x"}));
    CHECK(r.status == 1);
    CHECK(r.err == usage_error("mqtt-pub", "Error: Unsupported proxy protocol: https://127.0.0.1:3128"));
}

TEST_CASE("proxy: mqtt-bench's clients all go through the SOCKS5 proxy, and its refusal is counted by reason")
{
    test::Broker broker;
    SocksProxy proxy("user", "secret");
    const auto run = [&](const std::string& credentials) {
        return test::run(command("mqtt-bench",
                                 {"pubsub", "--proxy", proxy.url(credentials), "-h", "127.0.0.1", "-p", broker.port_str(), "-c",
                                  "2", "-q", "1", "--rate", "50", "-C", "3", "--json", "--quiet"}),
                         {}, 60s);
    };
    const test::Result good = run("user:secret@");
    CHECK(good.status == 0);
    CHECK(good.err == "");
    CHECK(good.out.find(R"("connects":{"ok":3,"failed":{},"lost":0,"retried":0,"reconnected":0,"reconnect_failed":{}},)"
                        R"("offered":6,"sent":6,"acked":6,)") != std::string::npos);
    CHECK(good.out.find(R"("received":6,"lost":0,)") != std::string::npos);

    // Wrong credentials: the proxy (not the broker) refuses every client.
    const test::Result bad = run("user:wrong@");
    CHECK(bad.status == 6);
    INFO("report: " << bad.out);
    CHECK(bad.out.find(R"x("connects":{"ok":0,"failed":{"SOCKS5 proxy: access denied (user name, password or target )x"
                       R"x(not allowed)":3},"lost":0,"retried":0,"reconnected":0,"reconnect_failed":{}})x") != std::string::npos);
    CHECK(bad.err == "");  // --quiet
}
