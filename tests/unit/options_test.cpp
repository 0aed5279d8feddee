#include <doctest/doctest.h>

#include "options.h"

TEST_CASE("parse_integer takes whole base-10 numbers within bounds only")
{
    CHECK(mqtt::parse_integer("0", 0, 2) == 0);
    CHECK(mqtt::parse_integer("2", 0, 2) == 2);
    CHECK(mqtt::parse_integer("-1", -1, 5) == -1);
    CHECK(mqtt::parse_integer("+7", 0, 9) == 7);
    CHECK_FALSE(mqtt::parse_integer("3", 0, 2));
    CHECK_FALSE(mqtt::parse_integer("", 0, 2));
    CHECK_FALSE(mqtt::parse_integer("1x", 0, 2));
    CHECK(mqtt::parse_integer(" 1", 0, 2) == 1);  // as atoi: "-p  1883" in an options file
    CHECK(mqtt::parse_integer("\t2 ", 0, 2) == 2);
    CHECK_FALSE(mqtt::parse_integer("1 x", 0, 2));
    CHECK_FALSE(mqtt::parse_integer("  ", 0, 2));
    CHECK_FALSE(mqtt::parse_integer("-", 0, 2));
    CHECK_FALSE(mqtt::parse_integer("0x10", 0, 100));
    CHECK_FALSE(mqtt::parse_integer("99999999999999999999999", 0, 100));
    CHECK(mqtt::parse_integer("4294967295", 0, 4294967295LL) == 4294967295LL);
}

TEST_CASE("parse_non_negative takes non-negative decimal numbers")
{
    CHECK(mqtt::parse_non_negative("0") == 0.0);
    CHECK(mqtt::parse_non_negative("0.25") == doctest::Approx(0.25));
    CHECK(mqtt::parse_non_negative("3") == doctest::Approx(3.0));
    CHECK_FALSE(mqtt::parse_non_negative("-0.5"));
    CHECK_FALSE(mqtt::parse_non_negative("1s"));
    CHECK_FALSE(mqtt::parse_non_negative(""));
    CHECK_FALSE(mqtt::parse_non_negative("inf"));
    CHECK_FALSE(mqtt::parse_non_negative("nan"));
    CHECK(mqtt::parse_non_negative(" 1.5 ") == doctest::Approx(1.5));
    CHECK_FALSE(mqtt::parse_non_negative(" "));
}

TEST_CASE("the client id: -i as given, -I followed by the process id, else empty")
{
    mqtt::Options o;
    CHECK(o.client_id().empty());
    o.id = "publisher";
    CHECK(o.client_id() == "publisher");
    mqtt::Options p;
    p.id_prefix = "pre-";
    const std::string id = p.client_id();
    CHECK(id.rfind("pre-", 0) == 0);
    CHECK(id.size() > 4);
    CHECK(id.find_first_not_of("0123456789", 4) == std::string::npos);
}

TEST_CASE("holds_secret: a password, a proxy password, a PSK or a private key")
{
    CHECK_FALSE(mqtt::Options().holds_secret());
    mqtt::Options user;
    user.username = "bob";
    CHECK_FALSE(user.holds_secret());
    const auto with = [](void (*set)(mqtt::Options&)) {
        mqtt::Options o;
        set(o);
        return o.holds_secret();
    };
    CHECK(with([](mqtt::Options& o) { o.password = ""; }));
    CHECK(with([](mqtt::Options& o) { o.proxy = mqtt::ProxyUrl{mqtt::ProxyKind::http, "h", 3128, "bob", "pw"}; }));
    CHECK_FALSE(with([](mqtt::Options& o) { o.proxy = mqtt::ProxyUrl{mqtt::ProxyKind::http, "h", 3128, "bob", {}}; }));
    CHECK(with([](mqtt::Options& o) { o.tls.psk = "00ff"; }));
    CHECK(with([](mqtt::Options& o) { o.tls.keyfile = "client.key"; }));
    CHECK(with([](mqtt::Options& o) { o.tls.engine_kpass_sha1 = std::string(40, 'a'); }));
}
