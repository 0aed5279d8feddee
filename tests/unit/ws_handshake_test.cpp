#include <doctest/doctest.h>

#include "ws_handshake.h"

using namespace mqtt::ws;

namespace {

// RFC 6455 section 1.3's example key and its answer.
constexpr const char* k_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* k_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string answer(const std::string& status, const std::string& headers)
{
    return "HTTP/1.1 " + status + "\r\n" + headers + "\r\n";
}

const std::string k_good_headers = std::string("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ") + k_accept +
    "\r\nSec-WebSocket-Protocol: mqtt\r\n";

std::string refused(const std::string& received)
{
    const auto result = parse_upgrade_response(received, k_key);
    REQUIRE(std::holds_alternative<Refused>(result));
    return std::get<Refused>(result).text;
}

}  // namespace

TEST_CASE("ws handshake: key and accept as RFC 6455 computes them")
{
    CHECK(make_key("the sample nonce") == k_key);
    CHECK(accept_for(k_key) == k_accept);
}

TEST_CASE("ws handshake: the upgrade request")
{
    UpgradeRequest request;
    request.host = "broker.example";
    request.port = 8080;
    request.path = "/mqtt?x-amz=1&sig=a%2Fb";
    request.headers = {"Authorization: Bearer t0ken", "X-Tenant: 7"};
    CHECK(upgrade_request(request, k_key) ==
          "GET /mqtt?x-amz=1&sig=a%2Fb HTTP/1.1\r\n"
          "Host: broker.example:8080\r\n"
          "Upgrade: websocket\r\n"
          "Connection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\n"
          "Sec-WebSocket-Protocol: mqtt\r\n"
          "Authorization: Bearer t0ken\r\n"
          "X-Tenant: 7\r\n"
          "\r\n");
    UpgradeRequest v6;
    v6.host = "::1";
    v6.port = 443;
    v6.tls = true;
    CHECK(upgrade_request(v6, k_key).substr(0, 33) == "GET /mqtt HTTP/1.1\r\nHost: [::1]\r\n");
    v6.tls = false;
    CHECK(upgrade_request(v6, k_key).substr(0, 37) == "GET /mqtt HTTP/1.1\r\nHost: [::1]:443\r\n");
}

TEST_CASE("ws handshake: 101 with the right accept key upgrades, bytes after the headers are frame data")
{
    const std::string good = answer("101 Switching Protocols", k_good_headers);
    for (std::size_t size = 0; size < good.size(); ++size) {
        CAPTURE(size);
        CHECK(std::holds_alternative<NeedMore>(parse_upgrade_response(good.substr(0, size), k_key)));
    }
    const auto exact = parse_upgrade_response(good, k_key);
    REQUIRE(std::holds_alternative<Upgraded>(exact));
    CHECK(std::get<Upgraded>(exact).rest.empty());
    const auto more = parse_upgrade_response(good + std::string("\x82\x02\x20\x02", 4), k_key);
    REQUIRE(std::holds_alternative<Upgraded>(more));
    CHECK(std::get<Upgraded>(more).rest == std::string("\x82\x02\x20\x02", 4));
    // Header names and tokens are case-insensitive; Connection may list several tokens.
    const auto mixed = parse_upgrade_response(answer("101 Switching Protocols",
                                                     std::string("upgrade: WebSocket\r\nCONNECTION: keep-alive, Upgrade\r\n"
                                                                 "sec-websocket-accept: ") +
                                                         k_accept + "\r\n"),
                                              k_key);
    CHECK(std::holds_alternative<Upgraded>(mixed));  // no subprotocol chosen: allowed
}

TEST_CASE("ws handshake: refusals and wrong answers")
{
    CHECK(refused(answer("404 Not Found", "Content-Length: 0\r\n")) == "refused: HTTP 404 Not Found");
    CHECK(refused(answer("401 Unauthorized", "")) == "refused: HTTP 401 Unauthorized");
    CHECK(refused(answer("503 Service Unavailable", "")) == "refused: HTTP 503 Service Unavailable");
    CHECK(refused("HTTP/1.1 400\r\n\r\n") == "refused: HTTP 400");
    CHECK(refused(
              answer("101 Switching Protocols", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n")) ==
          "failed: wrong Sec-WebSocket-Accept from the broker");
    CHECK(refused(answer("101 Switching Protocols", "Upgrade: websocket\r\nConnection: Upgrade\r\n")) ==
          "failed: wrong Sec-WebSocket-Accept from the broker");
    CHECK(refused(answer("101 Switching Protocols",
                         std::string("Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                     "Sec-WebSocket-Accept: ") +
                             k_accept + "\r\nSec-WebSocket-Protocol: mqttv3.1\r\n")) ==
          "failed: the broker chose the subprotocol \"mqttv3.1\", not \"mqtt\"");
    // The server's words reach the terminal: its control bytes come out escaped.
    CHECK(refused(answer("403 \x1b]0;pwned\x07No", "")) == "refused: HTTP 403 \\x1b]0;pwned\\x07No");
    CHECK(refused(answer("101 Switching Protocols",
                         std::string("Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                     "Sec-WebSocket-Accept: ") +
                             k_accept + "\r\nSec-WebSocket-Protocol: \x1b[2Jmqtt\r\n")) ==
          "failed: the broker chose the subprotocol \"\\x1b[2Jmqtt\", not \"mqtt\"");
    CHECK(refused(answer("101 Switching Protocols",
                         std::string("Connection: Upgrade\r\nSec-WebSocket-Accept: ") + k_accept + "\r\n")) ==
          "failed: the broker's 101 answer does not upgrade to websocket");
    CHECK(refused(answer("101 Switching Protocols", "Upgrade websocket\r\n")) ==
          "failed: the broker sent a malformed header line");
    // An MQTT listener answers a GET with nothing or with MQTT bytes: no need to wait.
    CHECK(refused(std::string("\x20\x02\x00\x00", 4)) == "failed: the broker did not answer in HTTP (is it a WebSocket port?)");
    CHECK(refused("HTTX") == "failed: the broker did not answer in HTTP (is it a WebSocket port?)");
    CHECK(refused("HTTP/1.1 101 Switching Protocols\r\n" + std::string(20000, 'x')) ==
          "failed: the broker's answer has no end of headers");
}
