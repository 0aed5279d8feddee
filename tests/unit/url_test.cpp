#include <doctest/doctest.h>

#include "url.h"

namespace {

mqtt::BrokerUrl good(const std::string& text)
{
    auto parsed = mqtt::parse_url(text);
    REQUIRE(std::holds_alternative<mqtt::BrokerUrl>(parsed));
    return std::get<mqtt::BrokerUrl>(parsed);
}

std::string bad(const std::string& text)
{
    auto parsed = mqtt::parse_url(text);
    REQUIRE(std::holds_alternative<std::string>(parsed));
    return std::get<std::string>(parsed);
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
    CHECK(bad("ws://h/t").find("WebSockets") == 0);
}
