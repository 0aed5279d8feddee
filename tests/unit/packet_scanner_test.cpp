#include <doctest/doctest.h>

#include "packet_scanner.h"

#include <string>

using mqtt::PacketScanner;

namespace {

std::string bytes(std::initializer_list<int> values)
{
    std::string out;
    for (int v : values) out += static_cast<char>(v);
    return out;
}

}  // namespace

TEST_CASE("packet scanner: a packet exactly at the limit passes, one byte more is refused with its size")
{
    // PUBLISH "t" with 3 bytes of payload: 2 + 2 + 1 + 3 = 8 bytes.
    const std::string publish = bytes({0x30, 0x06, 0x00, 0x01, 't', 'a', 'b', 'c'});
    PacketScanner at_limit(8);
    CHECK_FALSE(at_limit.feed(publish + publish));
    CHECK(at_limit.at_boundary());

    PacketScanner below(7);
    const auto refused = below.feed(publish);
    REQUIRE(refused);
    CHECK(refused->offset == 0);
    CHECK(refused->size == 8);
    CHECK_FALSE(refused->malformed);
    CHECK_FALSE(below.at_boundary());
    CHECK_FALSE(below.feed(publish));  // nothing more is read after a refusal
}

TEST_CASE("packet scanner: the refused packet's offset in the chunk, after packets that pass")
{
    const std::string ack = bytes({0x40, 0x02, 0x00, 0x01});
    const std::string big = bytes({0x30, 0xff, 0xff, 0xff, 0x1f});  // 64 MiB remaining length, header only
    PacketScanner scanner(1000);
    const auto refused = scanner.feed(ack + ack + big);
    REQUIRE(refused);
    CHECK(refused->offset == 8);
    CHECK(refused->size == 5 + 0x3ffffff);  // 5 header bytes + 67108863 (64 MiB - 1)
}

TEST_CASE("packet scanner: headers and bodies split at every byte")
{
    const std::string stream = bytes({0x20, 0x03, 0x00, 0x00, 0x00, 0x30, 0x80, 0x01}) + std::string(128, 'x') +
        bytes({0xd0, 0x00, 0x30, 0x82, 0x01});  // last: 2 + 1 + 130 = 133 bytes
    PacketScanner scanner(132);
    std::optional<PacketScanner::Refusal> refused;
    std::size_t fed = 0;
    for (char c : stream) {
        refused = scanner.feed(std::string_view(&c, 1));
        ++fed;
        if (refused) break;
    }
    REQUIRE(refused);
    CHECK(fed == stream.size());  // known at its last length byte
    CHECK(refused->offset == 0);  // it began in an earlier chunk
    CHECK(refused->size == 133);
}

TEST_CASE("packet scanner: a remaining length of more than 4 bytes is malformed")
{
    PacketScanner scanner;
    const auto refused = scanner.feed(bytes({0xd0, 0x00, 0x30, 0x80, 0x80, 0x80, 0x80, 0x01}));
    REQUIRE(refused);
    CHECK(refused->malformed);
    CHECK(refused->offset == 2);
    // The largest encodable length (4 bytes) is not malformed.
    PacketScanner largest;
    CHECK_FALSE(largest.feed(bytes({0x30, 0xff, 0xff, 0xff, 0x7f})));
}
