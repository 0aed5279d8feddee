#include <doctest/doctest.h>

#include "endpoint.h"

using mqtt::endpoint_text;
using mqtt::Options;
using mqtt::SrvTarget;
using mqtt::with_endpoint;

namespace {

Options at(const std::string& host, std::optional<int> port = std::nullopt)
{
    Options options;
    options.host = host;
    options.port = port;
    return options;
}

}  // namespace

TEST_CASE("endpoint_text: host, port and transport as the session reaches the broker")
{
    CHECK(endpoint_text(at("127.0.0.1"), std::nullopt) == "127.0.0.1 port 1883 over TCP");
    Options tls = at("broker.example.com");
    tls.tls.cafile = "ca.crt";  // 8883 by the --cafile rule
    CHECK(endpoint_text(tls, std::nullopt) == "broker.example.com port 8883 over TLS");
    CHECK(endpoint_text(at("b", 8883), std::nullopt) == "b port 8883 over TLS");  // -p 8883 alone turns TLS on
    Options no_tls = at("b", 8883);
    no_tls.tls.no_tls = true;
    CHECK(endpoint_text(no_tls, std::nullopt) == "b port 8883 over TCP");
    Options ws = at("b", 8080);
    ws.websockets = true;
    CHECK(endpoint_text(ws, std::nullopt) == "b port 8080 over ws");
    ws.tls.use_os_certs = true;
    CHECK(endpoint_text(ws, std::nullopt) == "b port 8080 over wss");
    CHECK(endpoint_text(at("/run/mosquitto.sock", 0), std::nullopt) == "unix socket /run/mosquitto.sock");
}

TEST_CASE("endpoint_text: proxies and SRV")
{
    Options socks = at("b");
    socks.proxy = mqtt::ProxyUrl{mqtt::ProxyKind::socks5h, "10.0.0.1", 1080, {}, {}};
    CHECK(endpoint_text(socks, std::nullopt) == "b port 1883 over TCP via SOCKS5 proxy 10.0.0.1:1080");
    Options http = at("b");
    http.proxy = mqtt::ProxyUrl{mqtt::ProxyKind::http, "::1", 3128, {}, {}};
    CHECK(endpoint_text(http, std::nullopt) == "b port 1883 over TCP via HTTP proxy [::1]:3128");
    Options srv = at("example.com");
    srv.srv = true;
    CHECK(endpoint_text(srv, SrvTarget{"mqtt1.example.com", 1884, "_mqtt._tcp.example.com"}) ==
          "mqtt1.example.com port 1884 over TCP, from SRV _mqtt._tcp.example.com");
}

TEST_CASE("endpoint_text: control bytes in names are escaped")
{
    CHECK(endpoint_text(at("evil\x1b]0;owned\x07\n"), std::nullopt) == "evil\\x1b]0;owned\\x07\\x0a port 1883 over TCP");
}

TEST_CASE("with_endpoint: upstream's words first")
{
    CHECK(with_endpoint("Error: Connection refused", "h port 1 over TCP") ==
          "Error: Connection refused (broker h port 1 over TCP)");
    CHECK(with_endpoint("Unable to connect (Lookup error.).", "nosuch port 1883 over TCP") ==
          "Unable to connect (Lookup error.). Broker: nosuch port 1883 over TCP.");
}
