#include <doctest/doctest.h>

#include <mosquitto.h>

#include "cli.h"
#include "error.h"
#include "exit_status.h"
#include "tls.h"

using mqtt::Options;
using mqtt::TlsMode;
using mqtt::Tool;

namespace {

Options parse(Tool tool, std::vector<std::string> args)
{
    // pub needs a topic and a message, sub a topic; neither matters here. First, so that an
    // option at the end of `args` stays the last argument.
    if (tool == Tool::pub) {
        args.insert(args.begin(), {"-t", "t", "-m", "m"});
    } else {
        args.insert(args.begin(), {"-t", "t"});
    }
    return mqtt::parse_command_line(tool, args).options;
}

std::string error_of(Tool tool, std::vector<std::string> args)
{
    try {
        parse(tool, std::move(args));
    } catch (const mqtt::UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

/// A libmosquitto client to set TLS up on; nothing connects.
struct Client {
    Client()
    {
        mosquitto_lib_init();
        mosq = mosquitto_new(nullptr, true, nullptr);
        REQUIRE(mosq != nullptr);
    }
    ~Client() { mosquitto_destroy(mosq); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    mosquitto* mosq = nullptr;
};

/// What setting TLS up from `args` refuses: status and line, or "(no error)".
std::string setup_error_of(const std::vector<std::string>& args)
{
    const Options options = parse(Tool::pub, args);
    Client client;
    try {
        mqtt::Tls tls(client.mosq, options);
    } catch (const mqtt::Failure& e) {
        return std::to_string(e.status()) + " " + e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("which options turn TLS on, and the default port")
{
    struct Case {
        std::vector<std::string> args;
        TlsMode mode;
        int port;
    };
    const Case cases[] = {
        {{}, TlsMode::off, 1883},
        {{"--cafile", "ca.crt"}, TlsMode::ca_files, 8883},
        {{"--capath", "certs"}, TlsMode::ca_files, 8883},
        {{"--cafile", "ca.crt", "--tls-use-os-certs"}, TlsMode::ca_files, 8883},
        {{"--psk", "abcd", "--psk-identity", "me"}, TlsMode::psk, 8883},
        // --tls-use-os-certs alone keeps the port (upstream's rule).
        {{"--tls-use-os-certs"}, TlsMode::os_certs, 1883},
        // -p 8883 alone: TLS with the system's certificates (mosquitto 2.0+).
        {{"-p", "8883"}, TlsMode::os_certs, 8883},
        {{"-p", "8884"}, TlsMode::off, 8884},
        {{"-p", "8883", "--psk", "abcd", "--psk-identity", "me"}, TlsMode::psk, 8883},
        {{"-p", "8883", "--cafile", "ca.crt"}, TlsMode::ca_files, 8883},
        {{"--cafile", "ca.crt", "-p", "1884"}, TlsMode::ca_files, 1884},
        {{"-L", "mqtts://h/t"}, TlsMode::os_certs, 8883},
        {{"-L", "mqtts://h:1884/t"}, TlsMode::os_certs, 1884},
        {{"-L", "mqtt://h:8883/t"}, TlsMode::os_certs, 8883},
        {{"-L", "mqtt://h/t"}, TlsMode::off, 1883},
        // mqtt:// does not undo an earlier --tls-use-os-certs.
        {{"--tls-use-os-certs", "-L", "mqtt://h/t"}, TlsMode::os_certs, 1883},
        // --no-tls, before or after, ignores every TLS option, also for the default port.
        {{"--cafile", "ca.crt", "--no-tls"}, TlsMode::off, 1883},
        {{"--no-tls", "--psk", "abcd", "--psk-identity", "me"}, TlsMode::off, 1883},
        {{"-p", "8883", "--no-tls"}, TlsMode::off, 8883},
        {{"-L", "mqtts://h/t", "--no-tls"}, TlsMode::off, 8883},
    };
    for (const auto& c : cases) {
        std::string command_line;
        for (const auto& arg : c.args) command_line += arg + " ";
        CAPTURE(command_line);
        for (Tool tool : {Tool::pub, Tool::sub}) {
            const Options o = parse(tool, c.args);
            CHECK(mqtt::tls_mode(o) == c.mode);
            CHECK(o.effective_port() == c.port);
        }
    }
}

TEST_CASE("TLS options are kept as given, --tls-version is not case sensitive")
{
    const Options o =
        parse(Tool::sub,
              {"--cafile", "ca.crt", "--capath", "dir", "--cert", "c.crt", "--key", "c.key", "--keyform", "PEM", "--insecure",
               "--tls-alpn", "mqtt", "--tls-version", "TLSv1.3", "--ciphers", "HIGH", "--tls-keylog", "keys.log"});
    CHECK(o.tls.cafile == "ca.crt");
    CHECK(o.tls.capath == "dir");
    CHECK(o.tls.certfile == "c.crt");
    CHECK(o.tls.keyfile == "c.key");
    CHECK(o.tls.keyform == "PEM");
    CHECK(o.tls.insecure);
    CHECK(o.tls.alpn == "mqtt");
    CHECK(o.tls.version == "tlsv1.3");
    CHECK(o.tls.ciphers == "HIGH");
    CHECK(o.tls.keylog == "keys.log");
    CHECK_FALSE(o.tls.no_tls);
    // An empty value is still given (upstream then fails to open the file "").
    CHECK(parse(Tool::pub, {"--cafile", ""}).tls.cafile == "");
}

TEST_CASE("TLS option errors carry upstream's lines, in upstream's order")
{
    const std::string sha = "0123456789abcdef0123456789abcdef01234567";
    struct Case {
        std::vector<std::string> args;
        std::string error;
    };
    const Case cases[] = {
        {{"--cafile"}, "Error: --cafile argument given but no file specified."},
        {{"--capath"}, "Error: --capath argument given but no directory specified."},
        {{"--cert"}, "Error: --cert argument given but no file specified."},
        {{"--key"}, "Error: --key argument given but no file specified."},
        {{"--keyform"}, "Error: --keyform argument given but no keyform specified."},
        {{"--ciphers"}, "Error: --ciphers argument given but no ciphers specified."},
        {{"--psk"}, "Error: --psk argument given but no key specified."},
        {{"--psk-identity"}, "Error: --psk-identity argument given but no identity specified."},
        {{"--tls-alpn"}, "Error: --tls-alpn argument given but no protocol specified."},
        {{"--tls-engine"}, "Error: --tls-engine argument given but no engine_id specified."},
        {{"--tls-engine-kpass-sha1"}, "Error: --tls-engine-kpass-sha1 argument given but no kpass sha1 specified."},
        {{"--tls-version"}, "Error: --tls-version argument given but no version specified."},
        {{"--tls-keylog"}, "Error: --tls-keylog argument given but no file specified."},
        {{"--tls13-ciphers", "x"}, "Error: Unknown option '--tls13-ciphers'."},
        // Cross-option checks, even with --no-tls (as upstream).
        {{"--cafile", "ca", "--cert", "c"}, "Error: Both certfile and keyfile must be provided if one of them is set."},
        {{"--cafile", "ca", "--key", "k"}, "Error: Both certfile and keyfile must be provided if one of them is set."},
        {{"--no-tls", "--cert", "c"}, "Error: Both certfile and keyfile must be provided if one of them is set."},
        {{"--cafile", "ca", "--keyform", "pem"}, "Error: If keyform is set, keyfile must be also specified."},
        {{"--cafile", "ca", "--cert", "c", "--key", "k", "--keyform", "engine", "--tls-engine-kpass-sha1", sha},
         "Error: when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided."},
        {{"--cafile", "ca", "--tls-engine", "e", "--tls-engine-kpass-sha1", sha},
         "Error: when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided."},
        {{"--cafile", "ca", "--psk", "ab", "--psk-identity", "me"},
         "Error: Only one of --psk or --cafile/--capath may be used at once."},
        {{"--capath", "d", "--psk", "ab"}, "Error: Only one of --psk or --cafile/--capath may be used at once."},
        {{"--psk", "ab"}, "Error: --psk-identity required if --psk used."},
        // Values upstream refuses when it sets TLS up.
        {{"--psk", "xyz", "--psk-identity", "me"}, "Error: Problem setting TLS-PSK options."},
        {{"--psk", "", "--psk-identity", "me"}, "Error: Problem setting TLS-PSK options."},
        {{"--cafile", "ca", "--cert", "c", "--key", "k", "--keyform", "der"},
         "Error: Problem setting key form, it must be one of 'pem' or 'engine'."},
        {{"--cafile", "ca", "--cert", "c", "--key", "k", "--keyform", "engine", "--tls-engine", "e", "--tls-engine-kpass-sha1",
          "0123"},
         "Error: Problem setting TLS engine key pass sha, is it a 40 character hex string?"},
        {{"--cafile", "ca", "--cert", "c", "--key", "k", "--keyform", "engine", "--tls-engine", "e", "--tls-engine-kpass-sha1",
          "g123456789abcdef0123456789abcdef01234567"},
         "Error: Problem setting TLS engine key pass sha, is it a 40 character hex string?"},
        {{"--cafile", "ca", "--tls-alpn", ""}, "Error: Problem setting TLS ALPN protocol."},
        {{"--cafile", "ca", "--tls-alpn", std::string(255, 'a')}, "Error: Problem setting TLS ALPN protocol."},
        {{"--cafile", "ca", "--tls-version", "tlsv1.0"}, "Error: Problem setting TLS options, check the options are valid."},
        {{"--cafile", "ca", "--tls-version", "tls1.2"}, "Error: Problem setting TLS options, check the options are valid."},
        // Options that mean something only over TLS, without anything that turns it on.
        {{"--cert", "c", "--key", "k"}, "Error: --cert needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"--insecure"}, "Error: --insecure needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"--tls-alpn", "mqtt"}, "Error: --tls-alpn needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"--tls-version", "tlsv1.2"},
         "Error: --tls-version needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"--ciphers", "HIGH"}, "Error: --ciphers needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"--tls-keylog", "f"}, "Error: --tls-keylog needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"--tls-engine", "e"}, "Error: --tls-engine needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
        {{"-L", "mqtt://h/t", "--insecure"},
         "Error: --insecure needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        CHECK(error_of(Tool::pub, c.args) == c.error);
        CHECK(error_of(Tool::sub, c.args) == c.error);
    }
}

TEST_CASE("TLS options that are fine")
{
    const std::string sha = "0123456789ABCDEF0123456789abcdef01234567";
    const std::vector<std::string> fine[] = {
        // --no-tls: the values are not looked at, and nothing needs TLS.
        {"--no-tls", "--tls-version", "bogus", "--insecure", "--keyform", "x", "--key", "k", "--cert", "c"},
        {"--psk", "DEADbeef", "--psk-identity", "me", "--tls-version", "tlsv1.2", "--ciphers", "PSK"},
        {"-p", "8883", "--insecure", "--tls-alpn", "mqtt"},
        {"-L", "mqtts://h/t", "--cert", "c", "--key", "k"},
        {"--tls-use-os-certs", "--tls-version", "TLSv1.1", "--tls-keylog", "k"},
        {"--cafile", "ca", "--cert", "c", "--key", "k", "--keyform", "Engine", "--tls-engine", "e", "--tls-engine-kpass-sha1",
         sha},
        {"--cafile", "ca", "--tls-alpn", std::string(254, 'a')},
        // upstream ignores --psk-identity without --psk
        {"--cafile", "ca", "--psk-identity", "me"},
    };
    for (const auto& args : fine) {
        CAPTURE(args.front());
        CHECK(error_of(Tool::pub, args) == "(no error)");
    }
}

TEST_CASE("setting TLS up: what libmosquitto refuses, before connecting")
{
    CHECK(setup_error_of({}) == "(no error)");
    CHECK(setup_error_of({"--cafile", "/dev/null"}) == "(no error)");
    CHECK(setup_error_of({"--cafile", "/nonexistent/ca.crt"}) == "1 Error: Problem setting TLS options: File not found.");
    CHECK(setup_error_of({"--cafile", ""}) == "1 Error: Problem setting TLS options: File not found.");
    CHECK(setup_error_of({"--cafile", "/dev/null", "--cert", "/nonexistent/c", "--key", "/dev/null"}) ==
          "1 Error: Problem setting TLS options: File not found.");
    // The client certificate is checked with the system's store too (upstream ignores it).
    CHECK(setup_error_of({"--tls-use-os-certs", "--cert", "/dev/null", "--key", "/nonexistent/k"}) ==
          "1 Error: Problem setting TLS options: File not found.");
    CHECK(setup_error_of({"-p", "8883", "--cert", "/nonexistent/c", "--key", "/dev/null"}) ==
          "1 Error: Problem setting TLS options: File not found.");
    CHECK(setup_error_of({"--cafile", "/dev/null", "--tls-engine", "no-such-engine"}) ==
          "1 Error: Problem setting TLS engine, is no-such-engine a valid engine?");
    CHECK(setup_error_of({"--cafile", "/dev/null", "--tls-keylog", "/nonexistent/keys.log"}) ==
          "1 Error: Unable to open key log file \"/nonexistent/keys.log\": No such file or directory.");
    CHECK(setup_error_of({"--psk", "00ff", "--psk-identity", "me", "--ciphers", "NO-SUCH-CIPHER"}) ==
          "1 Error: Unable to set TLS ciphers. Check cipher list \"NO-SUCH-CIPHER\".");
    CHECK(setup_error_of({"--psk", "00ff", "--psk-identity", "me", "--tls-alpn", "mqtt", "--tls-version", "tlsv1.3"}) ==
          "(no error)");
    // --no-tls: nothing is set up, so nothing can fail.
    CHECK(setup_error_of({"--cafile", "/nonexistent/ca.crt", "--no-tls"}) == "(no error)");
}

TEST_CASE("--insecure warns where a certificate is checked")
{
    const auto warnings_of = [](const std::vector<std::string>& args) { return mqtt::tls_warnings(parse(Tool::sub, args)); };
    const std::vector<std::string> warning{"Warning: --insecure: the broker's certificate host name is not checked."};
    CHECK(warnings_of({"--cafile", "/dev/null", "--insecure"}) == warning);
    CHECK(warnings_of({"-p", "8883", "--insecure"}) == warning);
    CHECK(warnings_of({"--cafile", "/dev/null"}).empty());
    CHECK(warnings_of({"--psk", "00ff", "--psk-identity", "me", "--insecure"}).empty());
    CHECK(warnings_of({"--cafile", "/dev/null", "--insecure", "--no-tls"}).empty());
}

TEST_CASE("a failed TLS connection is explained from libmosquitto's error lines")
{
    const Options options = parse(Tool::pub, {"--cafile", "/dev/null"});
    {
        Client client;
        mqtt::Tls tls(client.mosq, options);
        CHECK_FALSE(tls.failure(false, false).has_value());
        CHECK(tls.failure(false, true)->text == "Error: TLS handshake failed: the broker closed the connection");
        // OpenSSL's reason comes from the code in the line, not from the line's layout.
        tls.note_error_log("OpenSSL Error[0]: error:0A000126:SSL routines::whatever the text says");
        tls.note_error_log("OpenSSL Error[1]: error:0A000086:SSL routines::certificate verify failed");
        const auto failed = tls.failure(false, false);
        REQUIRE(failed.has_value());
        CHECK(failed->status == mqtt::ExitStatus::tls_failed);
        CHECK(failed->text == "Error: TLS handshake failed: unexpected eof while reading");
    }
    {
        // libmosquitto's own lines in the connect call are about our files: status 1.
        Client client;
        mqtt::Tls tls(client.mosq, options);
        tls.note_error_log("Error: Unable to load CA certificates, check cafile \"/dev/null\".");
        tls.note_error_log("OpenSSL Error[0]: error:05800088:x509 certificate routines::no certificate or crl found");
        const auto in_connect = tls.failure(true, true);
        REQUIRE(in_connect.has_value());
        CHECK(in_connect->status == mqtt::ExitStatus::usage);
        CHECK(in_connect->text == "Error: Unable to load CA certificates, check cafile \"/dev/null\".");
        // Later they are not (e.g. "Error: Unrecognised command"): OpenSSL's reason counts.
        CHECK(tls.failure(false, true)->text == "Error: TLS handshake failed: no certificate or crl found");
    }
    {
        Client client;
        mqtt::Tls tls(client.mosq, options);
        tls.note_error_log("Failed engine initialisation\n");
        CHECK(tls.failure(true, true)->text == "Error: Failed engine initialisation");
    }
    {
        // Without TLS nothing is a TLS failure.
        Client client;
        mqtt::Tls plain(client.mosq, parse(Tool::pub, {}));
        CHECK_FALSE(plain.enabled());
        plain.note_error_log("OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed");
        CHECK_FALSE(plain.failure(true, true).has_value());
    }
}
