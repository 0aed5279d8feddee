#include <doctest/doctest.h>

#include "encoding.h"

using namespace std::string_literals;

namespace {

std::string base64(const std::string& bytes)
{
    std::string out;
    mqtt::append_base64(out, bytes);
    return out;
}

std::string hex(const std::string& bytes)
{
    std::string out;
    mqtt::append_hex(out, bytes);
    return out;
}

}  // namespace

TEST_CASE("base64: the test vectors of RFC 4648, both ways")
{
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
        {"\x00\xff\xfe"s, "AP/+"},
    };
    for (const auto& [bytes, text] : vectors) {
        CHECK(base64(bytes) == text);
        CHECK(mqtt::decode_base64(text) == bytes);
    }
}

TEST_CASE("base64: every byte value round-trips, wrapped text decodes")
{
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    CHECK(mqtt::decode_base64(base64(all)) == all);
    CHECK(mqtt::decode_base64("Zm9v\nYmFy\r\n") == "foobar");
    CHECK(mqtt::decode_base64(" Zg= = ") == "f");
}

TEST_CASE("base64: what is not base64 is refused")
{
    for (const char* bad : {"Zg", "Zg=", "Z===", "=", "Zm9v=", "Zg==Zg==", "Zh==", "Zm9=", "Zm-v", "Zm9v!"}) {
        CHECK_MESSAGE(!mqtt::decode_base64(bad), bad);
    }
}

TEST_CASE("hex: two lower-case digits per byte, either case and whitespace read back")
{
    CHECK(hex("\x00\x7f\x80\xff"s) == "007f80ff");
    CHECK(mqtt::decode_hex("007F80ff") == "\x00\x7f\x80\xff"s);
    CHECK(mqtt::decode_hex("00 ff\n41") == "\x00\xff\x41"s);
    CHECK(mqtt::decode_hex("") == "");
    CHECK(!mqtt::decode_hex("abc"));
    CHECK(!mqtt::decode_hex("0g"));
}

TEST_CASE("append_encoded and decode follow the encoding, none leaves bytes alone")
{
    std::string out;
    mqtt::append_encoded(out, "A\n", mqtt::Encoding::none);
    mqtt::append_encoded(out, "A\n", mqtt::Encoding::hex);
    mqtt::append_encoded(out, "A\n", mqtt::Encoding::base64);
    CHECK(out == "A\n410aQQo=");
    CHECK(mqtt::decode("QQo=", mqtt::Encoding::base64) == "A\n");
    CHECK(mqtt::decode("zz", mqtt::Encoding::none) == "zz");
    CHECK(std::string(mqtt::encoding_name(mqtt::Encoding::hex)) == "hex");
}
