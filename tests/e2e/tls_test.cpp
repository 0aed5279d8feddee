// TLS end to end: the tools against a real mosquitto with a TLS listener beside its plain one,
// and against openssl s_server for what mosquitto 2.0.11 cannot show (ALPN, an old TLS
// version). The certificates are made at test time with the openssl command.
#include "e2e.h"
#include "pki.h"

#include <optional>
#include <regex>
#include <sstream>

using namespace e2e;

namespace {

/// A broker whose second listener uses TLS as `lines` say (plain listener: port()).
test::BrokerConfig with_tls(const std::string& lines, const std::string& extra = {})
{
    test::BrokerConfig config;
    config.extra = extra;
    config.second_listener = lines;
    return config;
}

/// `name` connecting to the broker's TLS listener, then `args`.
Args over_tls(const test::Broker& broker, const std::string& name, const Args& args)
{
    Args argv{test::tool(name), "-h", "127.0.0.1", "-p", broker.second_port_str()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// `args` run with `assignments` (NAME=value, or -u NAME) in the environment, by env(1),
/// which execs the tool: the PID stays the tool's.
Args with_env(const Args& assignments, const Args& args)
{
    Args argv{"/usr/bin/env"};
    argv.insert(argv.end(), assignments.begin(), assignments.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// Starts a subscriber (`-i id -t tls/t -C 1 -W 10` added to `argv`), waits for its SUBACK,
/// runs `publisher` (which must succeed silently) and checks that the message arrived.
void round_trip(const test::Broker& broker, Args subscriber_argv, const std::string& id, const Args& publisher)
{
    subscriber_argv.insert(subscriber_argv.end(), {"-i", id, "-t", "tls/t", "-C", "1", "-W", "10"});
    test::Child subscriber(subscriber_argv);
    require_subscribed(broker, id);
    const test::Result p = test::run(publisher);
    INFO("mqtt-pub stderr: " << p.err);
    CHECK(p.status == 0);
    CHECK(p.err == "");
    const test::Result s = subscriber.wait(10s);
    INFO("mqtt-sub stderr: " << s.err);
    check_ended(s, 0, "over tls\n");
}

/// The lines of a key log file.
std::vector<std::string> lines_of(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// openssl s_server on a free port: it completes TLS handshakes (at most one connection),
/// prints what it learns about them, and never answers CONNECT. Its stdin is a FIFO the test
/// holds open, so it does not quit at end of input.
class TlsServer {
public:
    TlsServer(const Pki& pki, const Args& options) : m_fifo(m_dir)
    {
        for (int attempt = 0; attempt < 3; ++attempt) {
            m_port = test::free_port();
            Args argv{k_openssl,  "s_server",
                      "-accept",  "127.0.0.1:" + std::to_string(m_port),
                      "-cert",    pki.crt("server"),
                      "-key",     pki.key("server"),
                      "-naccept", "1"};
            argv.insert(argv.end(), options.begin(), options.end());
            m_server.emplace(with_stdin_from(m_fifo.path(), argv));
            if (wait_for("ACCEPT")) return;
            m_server.reset();  // most likely someone took the port first
        }
        FAIL("openssl s_server did not start");
    }

    std::string port() const { return std::to_string(m_port); }
    /// Waits (bounded) until s_server's stdout holds `text`; false early if it could not bind.
    bool wait_for(const std::string& text)
    {
        const auto shown = [&] { return m_server->out_so_far().find(text) != std::string::npos; };
        wait_until([&] { return shown() || m_server->err_so_far().find("in use") != std::string::npos; }, 20s);
        return shown();
    }
    std::string output() { return m_server->out_so_far(); }

private:
    TempDir m_dir;
    Fifo m_fifo;
    int m_port = 0;
    std::optional<test::Child> m_server;
};

}  // namespace

TEST_CASE("tls: --cafile and --capath: a message goes from mqtt-pub to mqtt-sub over TLS")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    // --capath wants a c_rehash'ed folder.
    const std::string capath = pki.path("cas");
    std::filesystem::create_directory(capath);
    std::filesystem::copy_file(pki.crt("ca"), capath + "/ca.pem");
    REQUIRE(test::run({k_openssl, "rehash", capath}).status == 0);

    round_trip(broker, over_tls(broker, "mqtt-sub", {"--cafile", pki.crt("ca")}), "tls-sub",
               over_tls(broker, "mqtt-pub", {"--capath", capath, "-t", "tls/t", "-m", "over tls"}));
    // Both really came over the TLS listener.
    CHECK(broker.log().find("on port " + broker.second_port_str()) != std::string::npos);
}

TEST_CASE("tls: a certificate from another CA is refused with status 12 and one line")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    const std::string line = "Error: TLS handshake failed: certificate verify failed "
                             "(self-signed certificate in certificate chain) (broker 127.0.0.1 port " +
        broker.second_port_str() + " over TLS)\n";

    const test::Result p = test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("other-ca"), "-t", "t", "-m", "x"}));
    check_ended(p, 12, "", line);

    const test::Result s = test::run(over_tls(broker, "mqtt-sub", {"--cafile", pki.crt("other-ca"), "-t", "t", "-W", "10"}));
    CHECK(s.status == 12);
    CHECK(s.err == line);

    const test::Result quiet =
        test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("other-ca"), "--quiet", "-t", "t", "-m", "x"}));
    CHECK(quiet.status == 12);
    CHECK(quiet.err == "");
}

TEST_CASE("tls: a certificate for another name is refused, --insecure takes it and warns")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener("wrong")));

    const test::Result by_address = test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "-t", "t", "-m", "x"}));
    CHECK(by_address.status == 12);
    CHECK(by_address.err ==
          "Error: TLS handshake failed: certificate verify failed (IP address mismatch) (broker "
          "127.0.0.1 port " +
              broker.second_port_str() + " over TLS)\n");

    const test::Result by_name = test::run(command(
        "mqtt-pub", {"-h", "localhost", "-p", broker.second_port_str(), "--cafile", pki.crt("ca"), "-t", "t", "-m", "x"}));
    CHECK(by_name.status == 12);
    CHECK(by_name.err ==
          "Error: TLS handshake failed: certificate verify failed (hostname mismatch) (broker localhost "
          "port " +
              broker.second_port_str() + " over TLS)\n");

    test::Child subscriber(sub(broker, {"-i", "plain-sub", "-t", "tls/t", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "plain-sub");
    const test::Result insecure =
        test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "--insecure", "-t", "tls/t", "-m", "over tls"}));
    CHECK(insecure.status == 0);
    CHECK(insecure.err == "Warning: --insecure: the broker's certificate host name is not checked.\n");
    const test::Result s = subscriber.wait(10s);
    CHECK(s.status == 0);
    CHECK(s.out == "over tls\n");

    const test::Result quiet =
        test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "--insecure", "--quiet", "-t", "tls/t", "-m", "x"}));
    CHECK(quiet.status == 0);
    CHECK(quiet.err == "");

    // --insecure skips the name only: the chain is still checked.
    const test::Result other_ca =
        test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("other-ca"), "--insecure", "--quiet", "-t", "t", "-m", "x"}));
    CHECK(other_ca.status == 12);
}

TEST_CASE("tls: a listener that requires a client certificate")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener("server", "require_certificate true\n")));

    const test::Result without = test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "-t", "t", "-m", "x"}));
    CHECK(without.status == 12);
    CHECK(without.err ==
          "Error: TLS handshake failed: the broker requires a client certificate (--cert and --key) "
          "(broker 127.0.0.1 port " +
              broker.second_port_str() + " over TLS)\n");

    // A certificate the broker does not trust: its alert may be lost to a reset (TLS 1.3
    // refuses after our side of the handshake), so only the start of the line is certain.
    const test::Result stranger = test::run(
        over_tls(broker, "mqtt-pub",
                 {"--cafile", pki.crt("ca"), "--cert", pki.crt("stranger"), "--key", pki.key("stranger"), "-t", "t", "-m", "x"}));
    CHECK(stranger.status == 12);
    CHECK(stranger.err.rfind("Error: TLS handshake failed: ", 0) == 0);
    CHECK(std::count(stranger.err.begin(), stranger.err.end(), '\n') == 1);

    const Args cert{"--cafile", pki.crt("ca"), "--cert", pki.crt("client"), "--key", pki.key("client")};
    Args publisher = over_tls(broker, "mqtt-pub", cert);
    publisher.insert(publisher.end(), {"-t", "tls/t", "-m", "over tls"});
    round_trip(broker, over_tls(broker, "mqtt-sub", cert), "cert-sub", publisher);
}

TEST_CASE("tls: --cert and --key work with the system's CA store too, mqtts:// URLs")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener("server", "require_certificate true\n")));
    // OpenSSL takes the system's store from SSL_CERT_FILE when it is set.
    const std::string store = "SSL_CERT_FILE=" + pki.crt("ca");
    const Args cert{"--cert", pki.crt("client"), "--key", pki.key("client")};

    Args os_certs = over_tls(broker, "mqtt-pub", {"--tls-use-os-certs", "-t", "tls/t", "-m", "over tls"});
    os_certs.insert(os_certs.end(), cert.begin(), cert.end());
    Args url = command("mqtt-pub", {"-L", "mqtts://127.0.0.1:" + broker.second_port_str() + "/tls/t", "-m", "over tls"});
    url.insert(url.end(), cert.begin(), cert.end());

    round_trip(broker, sub(broker, {}), "os-sub-1", with_env({store}, os_certs));
    round_trip(broker, sub(broker, {}), "os-sub-2", with_env({store}, url));

    // Without our CA in the store the broker is not trusted.
    const test::Result untrusted = test::run(with_env({"-u", "SSL_CERT_FILE", "-u", "SSL_CERT_DIR"}, url));
    CHECK(untrusted.status == 12);
    CHECK(untrusted.err.rfind("Error: TLS handshake failed: certificate verify failed (", 0) == 0);
}

TEST_CASE("tls: PSK with --psk and --psk-identity")
{
    TempDir dir;
    const std::string psk_file = dir.write("psk",
                                           "reader:00112233445566778899aabbccddeeff\n"
                                           "writer:0123456789abcdef\n");
    test::Broker broker(with_tls("psk_hint mqtt-tools\n", "psk_file " + psk_file));

    round_trip(
        broker, over_tls(broker, "mqtt-sub", {"--psk", "00112233445566778899AABBCCDDEEFF", "--psk-identity", "reader"}),
        "psk-sub",
        over_tls(broker, "mqtt-pub", {"--psk", "0123456789abcdef", "--psk-identity", "writer", "-t", "tls/t", "-m", "over tls"}));

    const test::Result wrong_key =
        test::run(over_tls(broker, "mqtt-pub", {"--psk", "0123456789abcdee", "--psk-identity", "writer", "-t", "t", "-m", "x"}));
    CHECK(wrong_key.status == 12);
    CHECK(wrong_key.err.rfind("Error: TLS handshake failed: ", 0) == 0);
    CHECK(std::count(wrong_key.err.begin(), wrong_key.err.end(), '\n') == 1);
}

TEST_CASE("tls: --psk at a broker that declines the key and sends a certificate: status 12, not connected")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    for (const char* name : {"mqtt-pub", "mqtt-sub"}) {
        CAPTURE(name);
        const Args args = std::string(name) == "mqtt-sub" ? Args{"-t", "t", "-W", "10"} : Args{"-t", "t", "-m", "x"};
        Args argv = over_tls(broker, name, {"--psk", "00112233445566778899aabbccddeeff", "--psk-identity", "reader"});
        argv.insert(argv.end(), args.begin(), args.end());
        const test::Result r = test::run(argv);
        check_ended(r, 12, "",
                    "Error: TLS handshake failed: the broker did not take the pre-shared key (--psk) and sent a certificate "
                    "instead (broker 127.0.0.1 port " +
                        broker.second_port_str() + " over TLS)\n");
    }
    CHECK(broker.log().find("Received CONNECT") == std::string::npos);
}

TEST_CASE("tls: --tls-alpn offers the protocol")
{
    Pki pki;
    // mosquitto 2.0.11 ignores ALPN: the option must not get in the way.
    test::Broker broker(with_tls(pki.listener()));
    round_trip(broker, over_tls(broker, "mqtt-sub", {"--cafile", pki.crt("ca"), "--tls-alpn", "mqtt"}), "alpn-sub",
               over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "--tls-alpn", "mqtt", "-t", "tls/t", "-m", "over tls"}));

    // s_server shows what the client offered.
    TlsServer server(pki, {"-alpn", "mqtt"});
    const test::Result r = test::run(
        command("mqtt-sub",
                {"-h", "127.0.0.1", "-p", server.port(), "--cafile", pki.crt("ca"), "--tls-alpn", "mqtt", "-t", "t", "-W", "1"}));
    CHECK(r.status == 27);  // s_server never answers CONNECT
    CHECK(server.wait_for("ALPN protocols advertised by the client: mqtt"));
}

TEST_CASE("tls: --tls-version sets the lowest version, --tls-keylog gets the TLS 1.2 secrets")
{
    Pki pki;
    TlsServer old_server(pki, {"-tls1_2"});
    const test::Result too_old = test::run(command("mqtt-sub",
                                                   {"-h", "127.0.0.1", "-p", old_server.port(), "--cafile", pki.crt("ca"),
                                                    "--tls-version", "tlsv1.3", "-t", "t", "-W", "5"}));
    CHECK(too_old.status == 12);
    CHECK(too_old.err ==
          "Error: TLS handshake failed: tlsv1 alert protocol version (broker 127.0.0.1 port " + old_server.port() +
              " over TLS)\n");

    TlsServer server(pki, {"-tls1_2"});
    const std::string keylog = pki.path("keylog");
    const test::Result r = test::run(command("mqtt-sub",
                                             {"-h", "127.0.0.1", "-p", server.port(), "--cafile", pki.crt("ca"), "--tls-version",
                                              "TLSv1.2", "--tls-keylog", keylog, "-t", "t", "-W", "1"}));
    CHECK(r.status == 27);  // the handshake succeeded; s_server never answers CONNECT
    // Only TLS 1.2 logs CLIENT_RANDOM: TLS 1.3 logs traffic secrets.
    const auto lines = lines_of(keylog);
    REQUIRE(lines.size() == 1);
    CHECK(std::regex_match(lines[0], std::regex("CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}")));
}

TEST_CASE("tls: --tls-keylog appends the TLS 1.3 secrets of each connection")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    const std::string keylog = pki.path("keylog");
    const Args publisher =
        over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "--tls-keylog", keylog, "-t", "tls/t", "-m", "over tls"});
    round_trip(broker, sub(broker, {}), "keylog-sub", publisher);

    const auto first = lines_of(keylog);
    const std::regex line("(CLIENT|SERVER)_[A-Z0-9_]+ [0-9a-f]{64} [0-9a-f]+|EXPORTER_SECRET [0-9a-f]{64} [0-9a-f]+");
    CHECK(first.size() == 5);
    for (const auto& l : first) CHECK_MESSAGE(std::regex_match(l, line), l);
    const auto has = [&](const std::string& label) {
        return std::any_of(first.begin(), first.end(), [&](const std::string& l) { return l.rfind(label + " ", 0) == 0; });
    };
    CHECK(has("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
    CHECK(has("CLIENT_TRAFFIC_SECRET_0"));

    REQUIRE(test::run(publisher).status == 0);
    CHECK(lines_of(keylog).size() == 2 * first.size());
}

TEST_CASE("tls: --no-tls ignores every TLS option")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    round_trip(
        broker, sub(broker, {"--cafile", pki.crt("ca"), "--insecure", "--no-tls"}), "no-tls-sub",
        pub(broker, {"--no-tls", "--cafile", pki.crt("other-ca"), "--tls-version", "bogus", "-t", "tls/t", "-m", "over tls"}));
    round_trip(broker, sub(broker, {}), "no-tls-sub-2",
               command("mqtt-pub", {"-L", "mqtts://127.0.0.1:" + broker.port_str() + "/tls/t", "--no-tls", "-m", "over tls"}));
}

TEST_CASE("tls: TLS files and settings that cannot be used give status 1 and one line")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    const std::string missing = pki.path("missing.crt");

    const test::Result no_file = test::run(over_tls(broker, "mqtt-pub", {"--cafile", missing, "-t", "t", "-m", "x"}));
    CHECK(no_file.status == 1);
    CHECK(no_file.err == "Error: Problem setting TLS options: File not found.\n");

    const test::Result no_key = test::run(over_tls(
        broker, "mqtt-sub", {"--cafile", pki.crt("ca"), "--cert", pki.crt("client"), "--key", missing, "-t", "t", "-W", "5"}));
    CHECK(no_key.status == 1);
    CHECK(no_key.err == "Error: Problem setting TLS options: File not found.\n");

    const std::string not_pem = pki.dir().write("not-a-cert.pem", "hello\n");
    const test::Result bad_ca = test::run(over_tls(broker, "mqtt-pub", {"--cafile", not_pem, "-t", "t", "-m", "x"}));
    CHECK(bad_ca.status == 1);
    CHECK(bad_ca.err == "Error: Unable to load CA certificates, check cafile \"" + not_pem + "\".\n");

    const test::Result mismatch = test::run(
        over_tls(broker, "mqtt-pub",
                 {"--cafile", pki.crt("ca"), "--cert", pki.crt("client"), "--key", pki.key("server"), "-t", "t", "-m", "x"}));
    CHECK(mismatch.status == 1);
    CHECK(mismatch.err == "Error: Unable to load client key file \"" + pki.key("server") + "\".\n");

    const test::Result ciphers =
        test::run(over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "--ciphers", "NO-SUCH-CIPHER", "-t", "t", "-m", "x"}));
    CHECK(ciphers.status == 1);
    CHECK(ciphers.err == "Error: Unable to set TLS ciphers. Check cipher list \"NO-SUCH-CIPHER\".\n");

    const test::Result keylog = test::run(
        over_tls(broker, "mqtt-pub", {"--cafile", pki.crt("ca"), "--tls-keylog", pki.path("no/such/dir"), "-t", "t", "-m", "x"}));
    CHECK(keylog.status == 1);
    CHECK(keylog.err == "Error: Unable to open key log file \"" + pki.path("no/such/dir") + "\": No such file or directory.\n");
}

TEST_CASE("tls: TLS to a plain listener fails the handshake with status 12, asking if it is a TLS port")
{
    Pki pki;
    test::Broker broker;
    const std::string port = broker.port_str();
    const std::string line = "Error: TLS handshake failed: unexpected eof while reading (is port " + port +
        " a TLS port?) (broker 127.0.0.1 port " + port + " over TLS)\n";
    const test::Result r = test::run(pub(broker, {"--cafile", pki.crt("ca"), "-t", "t", "-m", "x"}));
    CHECK(r.status == 12);
    CHECK(r.err == line);
    const test::Result s = test::run(sub(broker, {"--cafile", pki.crt("ca"), "-t", "t", "-W", "10"}));
    CHECK(s.status == 12);
    CHECK(s.err == line);
    const test::Result url = test::run(command("mqtt-rr", {"-L", "mqtts://127.0.0.1:" + port + "/t", "-m", "x", "-W", "10"}));
    CHECK(url.status == 12);
    CHECK(url.err == line);
}

TEST_CASE("tls: a plain client on a TLS listener ends with 7, asking if it is a TLS port")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    const std::string port = broker.second_port_str();
    const std::string line = "Error: The connection was closed before the broker answered CONNECT (is port " + port +
        " a TLS port? --cafile, --capath or --tls-use-os-certs turn TLS on). Broker: 127.0.0.1 port " + port + " over TCP.\n";
    const test::Result p = test::run(over_tls(broker, "mqtt-pub", {"-t", "t", "-m", "x"}));
    CHECK(p.status == 7);
    CHECK(p.err == line);
    const test::Result s = test::run(over_tls(broker, "mqtt-sub", {"-t", "t", "-W", "10"}));
    CHECK(s.status == 7);
    CHECK(s.err == line);
    const test::Result r = test::run(over_tls(broker, "mqtt-rr", {"-t", "t", "-m", "x", "-W", "10"}));
    CHECK(r.status == 7);
    CHECK(r.err == line);
    // The plain listener beside it still answers plain clients.
    const test::Result plain = test::run(pub(broker, {"-t", "t", "-m", "x"}));
    CHECK(plain.status == 0);
    CHECK(plain.err == "");
}

TEST_CASE("tls: --probe prints the TLS version, cipher and the broker certificate's subject and expiry")
{
    Pki pki;
    test::Broker broker(with_tls(pki.listener()));
    const test::Result end =
        test::run({k_openssl, "x509", "-noout", "-enddate", "-dateopt", "iso_8601", "-in", pki.crt("server")});
    REQUIRE(end.status == 0);
    REQUIRE(end.out.starts_with("notAfter="));
    std::string not_after = end.out.substr(9, end.out.find('\n') - 9);  // "2026-12-03 19:51:38Z"
    not_after[10] = 'T';

    const std::string tls = ",\"tls\":{\"version\":\"TLSv1.3\",\"cipher\":\"TLS_AES_256_GCM_SHA384\","
                            "\"peer_subject\":\"CN=localhost\",\"peer_issuer\":\"CN=mqtt-tools test CA\","
                            "\"peer_not_after\":\"" +
        not_after + "\"}}\n";
    const test::Result v311 = test::run(over_tls(broker, "mqtt-pub", {"--probe", "--cafile", pki.crt("ca")}));
    check_ended(v311, 0,
                "{\"host\":\"127.0.0.1\",\"port\":" + broker.second_port_str() +
                    ",\"protocol\":\"mqttv311\",\"connected\":true,\"reason_code\":0,\"reason\":\"Connection "
                    "Accepted.\",\"session_present\":false" +
                    tls);
    const test::Result v5 = test::run(over_tls(broker, "mqtt-sub", {"--probe", "-V", "5", "--cafile", pki.crt("ca")}));
    CHECK(v5.status == 0);
    CHECK(v5.out.starts_with("{\"host\":\"127.0.0.1\",\"port\":" + broker.second_port_str() + ",\"protocol\":\"mqttv5\","));
    CHECK(v5.out.ends_with(",\"user_properties\":[]" + tls));
    // A certificate that does not verify: no CONNACK, status 12, and the object that says so.
    const test::Result refused = test::run(over_tls(broker, "mqtt-pub", {"--probe", "--cafile", pki.crt("other-ca")}));
    CHECK(refused.status == 12);
    CHECK(refused.out ==
          "{\"host\":\"127.0.0.1\",\"port\":" + broker.second_port_str() +
              ",\"protocol\":\"mqttv311\",\"connected\":false,\"error\":\"Error: TLS handshake failed: "
              "certificate verify failed (self-signed certificate in certificate chain) (broker 127.0.0.1 "
              "port " +
              broker.second_port_str() + " over TLS)\",\"status\":12}\n");
}
