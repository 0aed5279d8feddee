#include <doctest/doctest.h>

#include "url.h"

namespace {

mqtt::BrokerUrl good(const std::string& text)
{
    auto parsed = mqtt::parse_url(text);
    REQUIRE(parsed.ok());
    return parsed.value();
}

std::string bad(const std::string& text)
{
    auto parsed = mqtt::parse_url(text);
    REQUIRE(!parsed.ok());
    return parsed.error();
}

}  // namespace

TEST_CASE("mqtt:// URLs split as upstream does")
{
    const auto url = good("mqtt://broker.example/home/+/temp");
    CHECK(url.host == "broker.example");
    CHECK(url.port == 1883);
    CHECK_FALSE(url.tls);
    CHECK_FALSE(url.username);
    CHECK(url.topic == "home/+/temp");

    const auto full = good("MQTT://user:pa:ss@h:1999/t");
    CHECK(full.username == "user");
    CHECK(full.password == "pa:ss");
    CHECK(full.host == "h");
    CHECK(full.port == 1999);

    const auto user_only = good("mqtt://user@h/t");
    CHECK(user_only.username == "user");
    CHECK_FALSE(user_only.password);
}

TEST_CASE("mqtts:// means TLS on port 8883")
{
    const auto url = good("mqtts://h/t");
    CHECK(url.tls);
    CHECK(url.port == 8883);
}

TEST_CASE("bad URLs say why")
{
    CHECK(bad("http://h/t") == "Unsupported URL scheme.");
    CHECK(bad("h/t") == "Unsupported URL scheme.");
    CHECK(bad("mqtt://h") == "Invalid URL for -L argument specified - topic missing.");
    CHECK(bad("mqtt://h/") == "Invalid URL for -L argument specified - topic missing.");
    CHECK(bad("mqtt://h:99999/t") == "Invalid port given: 99999");
    CHECK(bad("mqtt://:1883/t") == "Invalid URL for -L argument specified - host missing.");
}

TEST_CASE("ws:// and wss:// parse as mosquitto 2.1 does")
{
    const auto ws = good("WS://u:p@h/a/b");
    CHECK(ws.websockets);
    CHECK_FALSE(ws.tls);
    CHECK(ws.port == 1883);
    CHECK(ws.host == "h");
    CHECK(ws.username == "u");
    CHECK(ws.topic == "a/b");

    const auto wss = good("wss://h:9001/t");
    CHECK(wss.websockets);
    CHECK(wss.tls);
    CHECK(wss.port == 9001);
    CHECK(good("wss://h/t").port == 8883);
    CHECK(bad("ws://h") == "Invalid URL for -L argument specified - topic missing.");
}

namespace {

mqtt::ProxyUrl good_proxy(const std::string& text)
{
    auto parsed = mqtt::parse_proxy_url(text);
    REQUIRE(parsed.ok());
    return parsed.value();
}

std::string bad_proxy(const std::string& text)
{
    auto parsed = mqtt::parse_proxy_url(text);
    REQUIRE(!parsed.ok());
    return parsed.error();
}

}  // namespace

TEST_CASE("--proxy URLs: http:// for HTTP CONNECT, with the same credentials and ports")
{
    const auto plain = good_proxy("http://proxy.example:3128/");
    CHECK(plain.kind == mqtt::ProxyKind::http);
    CHECK(plain.host == "proxy.example");
    CHECK(plain.port == 3128);
    const auto full = good_proxy("http://me:s%3Acret@[::1]");
    CHECK(full.host == "::1");
    CHECK(full.port == 1080);
    CHECK(full.username == "me");
    CHECK(full.password == "s:cret");
    CHECK(good_proxy("socks5h://h").kind == mqtt::ProxyKind::socks5h);
}

TEST_CASE("--proxy URLs: socks5h with optional credentials and port")
{
    const auto plain = good_proxy("socks5h://proxy.example");
    CHECK(plain.host == "proxy.example");
    CHECK(plain.port == 1080);
    CHECK_FALSE(plain.username);
    CHECK_FALSE(plain.password);

    const auto full = good_proxy("socks5h://user:pa%3Ass%40x%25@127.0.0.1:9050");
    CHECK(full.username == "user");
    CHECK(full.password == "pa:ss@x%");
    CHECK(full.host == "127.0.0.1");
    CHECK(full.port == 9050);

    // The user information ends at the last '@' (RFC 3986, curl): the password keeps its '@'.
    const auto at_sign = good_proxy("socks5h://bob:se@cret5@host:1080");
    CHECK(at_sign.username == "bob");
    CHECK(at_sign.password == "se@cret5");
    CHECK(at_sign.host == "host");
    CHECK(at_sign.port == 1080);
    CHECK(good_proxy("http://me:a@b@c@proxy").password == "a@b@c");

    const auto user_only = good_proxy("socks5h://me@h");
    CHECK(user_only.username == "me");
    CHECK_FALSE(user_only.password);

    const auto v6 = good_proxy("socks5h://[::1]:1081");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 1081);
    CHECK(good_proxy("socks5h://[fe80::1]").port == 1080);
}

TEST_CASE("--proxy URLs: errors say why")
{
    CHECK(bad_proxy("socks5://h") == "Unsupported proxy protocol: socks5://h");
    CHECK(bad_proxy("https://h:3128") == "Unsupported proxy protocol: https://h:3128");
    CHECK(bad_proxy("socks5h://a:b:c@h") == "Username cannot contain ':'.");
    CHECK(bad_proxy("socks5h://h:0") == "Invalid proxy port 0");
    CHECK(bad_proxy("socks5h://h:65536") == "Invalid proxy port 65536");
    CHECK(bad_proxy("socks5h://h:x") == "Invalid proxy port x");
    CHECK(bad_proxy("socks5h://h:") == "Invalid proxy port ");
    CHECK(bad_proxy("socks5h://") == "Invalid proxy.");
    CHECK(bad_proxy("socks5h://u:%41@h") == "Invalid proxy.");
    CHECK(bad_proxy("socks5h://[::1][::2]") == "Duplicate IPv6 address.");
}
