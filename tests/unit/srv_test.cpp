#include <doctest/doctest.h>

#include "srv.h"

using mqtt::SrvRecord;

namespace {

/// Builds DNS messages byte by byte, as a server would send them.
struct Message {
    std::vector<unsigned char> bytes;

    void u16(unsigned value)
    {
        bytes.push_back(static_cast<unsigned char>(value >> 8));
        bytes.push_back(static_cast<unsigned char>(value & 0xff));
    }
    void labels(std::initializer_list<std::string> parts, bool end = true)
    {
        for (const auto& part : parts) {
            bytes.push_back(static_cast<unsigned char>(part.size()));
            bytes.insert(bytes.end(), part.begin(), part.end());
        }
        if (end) bytes.push_back(0);
    }
    void pointer(unsigned offset) { u16(0xc000 | offset); }
    /// An answer whose owner is the question's name (offset 12) and whose data is `rdata`.
    void answer(unsigned type, const std::vector<unsigned char>& rdata)
    {
        pointer(12);
        u16(type);
        u16(1);  // IN
        u16(0);
        u16(300);  // TTL
        u16(static_cast<unsigned>(rdata.size()));
        bytes.insert(bytes.end(), rdata.begin(), rdata.end());
    }
};

/// The rdata of an SRV record whose target is `first` followed by the question's
/// "example.com" (offset 23: after "_mqtt" and "_tcp").
std::vector<unsigned char> srv_rdata(unsigned priority, unsigned weight, unsigned port, const std::string& first)
{
    Message m;
    m.u16(priority);
    m.u16(weight);
    m.u16(port);
    m.labels({first}, false);
    m.pointer(23);
    return m.bytes;
}

Message response(unsigned answers)
{
    Message m;
    m.u16(0x1234);
    m.u16(0x8180);
    m.u16(1);
    m.u16(answers);
    m.u16(0);
    m.u16(0);
    m.labels({"_mqtt", "_tcp", "example", "com"});
    m.u16(33);
    m.u16(1);
    return m;
}

std::vector<SrvRecord> parsed(const Message& m)
{
    auto result = mqtt::parse_srv_answer(m.bytes);
    REQUIRE(result.ok());
    return result.value();
}

}  // namespace

TEST_CASE("srv: the SRV records of an answer, compressed names expanded, other types skipped")
{
    Message m = response(3);
    m.answer(33, srv_rdata(10, 60, 1883, "b1"));
    m.answer(1, {192, 0, 2, 1});  // an A record
    m.answer(33, srv_rdata(20, 0, 8883, "b2"));
    const std::vector<SrvRecord> expected = {{10, 60, 1883, "b1.example.com"}, {20, 0, 8883, "b2.example.com"}};
    CHECK(parsed(m) == expected);
    CHECK(parsed(response(0)).empty());
}

TEST_CASE("srv: a truncated or inconsistent message is malformed")
{
    Message m = response(1);
    m.answer(33, srv_rdata(10, 60, 1883, "b1"));
    for (std::size_t size : {std::size_t{0}, std::size_t{11}, std::size_t{20}, m.bytes.size() - 1}) {
        CAPTURE(size);
        const std::vector<unsigned char> cut(m.bytes.begin(), m.bytes.begin() + static_cast<std::ptrdiff_t>(size));
        auto result = mqtt::parse_srv_answer(cut);
        REQUIRE(!result.ok());
        CHECK(result.error() == "malformed DNS answer");
    }
    // An rdata length that does not match the SRV data in it.
    Message wrong = response(1);
    auto rdata = srv_rdata(1, 1, 1883, "b");
    rdata.push_back(0);
    wrong.answer(33, rdata);
    CHECK(!mqtt::parse_srv_answer(wrong.bytes).ok());
}

TEST_CASE("srv: the lowest priority wins, the weights share the roll among its records")
{
    const std::vector<SrvRecord> records = {{20, 100, 1, "backup"}, {10, 25, 2, "small"}, {10, 0, 3, "zero"}, {10, 75, 4, "big"}};
    struct Case {
        double roll;
        const char* target;
    };
    for (const Case c : {Case{0.0, "small"}, Case{0.2499, "small"}, Case{0.25, "big"}, Case{0.9999, "big"}}) {
        CAPTURE(c.roll);
        const auto chosen = mqtt::choose_srv(records, c.roll);
        REQUIRE(chosen);
        CHECK(chosen->target == c.target);
    }
    // All weights 0: the first record of the lowest priority.
    const auto first = mqtt::choose_srv({{5, 0, 1, "a"}, {1, 0, 2, "b"}, {1, 0, 3, "c"}}, 0.9);
    REQUIRE(first);
    CHECK(first->target == "b");
    CHECK(first->port == 2);
}

TEST_CASE("srv: no records, or \".\", means no service")
{
    CHECK_FALSE(mqtt::choose_srv({}, 0.5));
    CHECK_FALSE(mqtt::choose_srv({{0, 0, 0, "."}}, 0.5));
}

TEST_CASE("srv: a \".\" beside real targets is skipped, whatever its priority or weight")
{
    // Found by fuzz_srv: the "." at the best priority made -S say "no MQTT broker offered"
    // although the answer offered one.
    for (const double roll : {0.0, 0.5, 0.9999}) {
        CAPTURE(roll);
        const auto lower = mqtt::choose_srv({{51722, 40, 1883, "broker2"}, {0, 300, 27, "."}}, roll);
        REQUIRE(lower);
        CHECK(lower->target == "broker2");
        CHECK(lower->port == 1883);
        const auto same = mqtt::choose_srv({{1, 90, 1, "."}, {1, 10, 2, "b"}}, roll);
        REQUIRE(same);
        CHECK(same->target == "b");
    }
}

TEST_CASE("srv: the name asked for, with and without TLS")
{
    CHECK(mqtt::srv_name("example.com", false) == "_mqtt._tcp.example.com");
    CHECK(mqtt::srv_name("example.com", true) == "_secure-mqtt._tcp.example.com");
}
