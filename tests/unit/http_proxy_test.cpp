#include <doctest/doctest.h>

#include "http_proxy.h"

using namespace mqtt;

TEST_CASE("http proxy: the CONNECT request, with Basic credentials when given")
{
    CHECK(connect_request("broker.example", 8883, std::nullopt, std::nullopt) ==
          "CONNECT broker.example:8883 HTTP/1.1\r\nHost: broker.example:8883\r\n\r\n");
    CHECK(connect_request("::1", 1883, std::string("Aladdin"), std::string("open sesame")) ==
          "CONNECT [::1]:1883 HTTP/1.1\r\nHost: [::1]:1883\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
}

TEST_CASE("http proxy: the proxy's answer")
{
    const std::string ok = "HTTP/1.1 200 Connection established\r\nProxy-Agent: x\r\n\r\n";
    for (std::size_t size = 0; size < ok.size(); ++size) {
        CAPTURE(size);
        CHECK(std::holds_alternative<ProxyNeedMore>(parse_connect_response(ok.substr(0, size))));
    }
    const auto connected = parse_connect_response(ok + "\x20\x02");
    REQUIRE(std::holds_alternative<ProxyConnected>(connected));
    CHECK(std::get<ProxyConnected>(connected).rest == "\x20\x02");
    const auto refused = [](const std::string& text) {
        const auto r = parse_connect_response(text);
        REQUIRE(std::holds_alternative<ProxyRefused>(r));
        return std::get<ProxyRefused>(r).text;
    };
    CHECK(refused("HTTP/1.1 403 Forbidden\r\n\r\n") == "CONNECT refused: HTTP 403 Forbidden");
    CHECK(refused("HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n") ==
          "CONNECT refused: HTTP 407 Proxy Authentication Required");
    CHECK(refused("HTTP/1.1 502\r\n\r\n") == "CONNECT refused: HTTP 502");
    CHECK(refused("HTTP/1.1 407 \x1b]0;pwned\x07\r\n\r\n") == "CONNECT refused: HTTP 407 \\x1b]0;pwned\\x07");
    CHECK(refused("HTTP/1.1 4\x1b\x07 x\r\n\r\n") == "CONNECT refused: HTTP 4\\x1b\\x07 x");
    CHECK(refused("SSH-2.0-OpenSSH") == "the proxy did not answer in HTTP");
    CHECK(refused("HTTP/1.1 200" + std::string(20000, ' ')) == "the proxy's answer has no end of headers");
}
