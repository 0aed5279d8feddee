#include <doctest/doctest.h>

#include "ws_frame.h"

using mqtt::ws::ControlFrame;
using mqtt::ws::FrameDecoder;
using mqtt::ws::Opcode;

namespace {

/// An unmasked frame as a broker sends it.
std::string server_frame(std::uint8_t first, const std::string& payload)
{
    std::string out(1, static_cast<char>(first));
    const std::uint64_t size = payload.size();
    if (size < 126) {
        out += static_cast<char>(size);
    } else if (size <= 0xffff) {
        out += static_cast<char>(126);
        out += static_cast<char>(size >> 8);
        out += static_cast<char>(size & 0xff);
    } else {
        out += static_cast<char>(127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xff);
    }
    return out + payload;
}

std::string pattern(std::size_t size)
{
    std::string text(size, '\0');
    for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>((i * 7 + 3) & 0xff);
    return text;
}

struct Decoded {
    std::string data;
    std::vector<ControlFrame> control;
    std::optional<std::string> error;
};

/// Feeds `bytes` in pieces of `step` bytes (the last one shorter).
Decoded decode(const std::string& bytes, std::size_t step)
{
    FrameDecoder decoder;
    Decoded out;
    for (std::size_t at = 0; at < bytes.size() && !out.error; at += step) {
        if (auto fed = decoder.feed(std::string_view(bytes).substr(at, step), out.data, out.control); !fed)
            out.error = fed.error();
    }
    return out;
}

}  // namespace

TEST_CASE("ws frames: client frames are masked, final, with 7, 16 and 64-bit lengths")
{
    struct Case {
        std::size_t size;
        std::string header;  // without the mask
    };
    const Case cases[] = {
        {0, std::string("\x82\x80", 2)},
        {125, std::string("\x82\xfd", 2)},
        {126, std::string("\x82\xfe\x00\x7e", 4)},
        {65535, std::string("\x82\xfe\xff\xff", 4)},
        {65536, std::string("\x82\xff\x00\x00\x00\x00\x00\x01\x00\x00", 10)},
    };
    for (const auto& c : cases) {
        CAPTURE(c.size);
        const std::string payload = pattern(c.size);
        std::string out = "before";
        mqtt::ws::append_frame(out, Opcode::binary, payload, 0x01020304);
        REQUIRE(out.size() == 6 + c.header.size() + 4 + c.size);
        CHECK(out.substr(0, 6) == "before");
        CHECK(out.substr(6, c.header.size()) == c.header);
        CHECK(out.substr(6 + c.header.size(), 4) == std::string("\x01\x02\x03\x04", 4));
        const std::string masked = out.substr(6 + c.header.size() + 4);
        bool unmasks = true;
        for (std::size_t i = 0; i < c.size; ++i) {
            const auto key = static_cast<unsigned char>(i % 4 + 1);
            unmasks = unmasks && static_cast<char>(static_cast<unsigned char>(masked[i]) ^ key) == payload[i];
        }
        CHECK(unmasks);
    }
    std::string pong;
    mqtt::ws::append_frame(pong, Opcode::pong, "hi", 0);
    CHECK(pong == std::string("\x8a\x82\x00\x00\x00\x00hi", 8));
}

TEST_CASE("ws frames: the decoder gets the same bytes at every split point")
{
    const std::string stream = server_frame(0x82, "abc") + server_frame(0x89, "ping!") + server_frame(0x82, pattern(300)) +
        server_frame(0x82, "") + server_frame(0x02, "frag-") + server_frame(0x8a, "") + server_frame(0x00, "ment-") +
        server_frame(0x80, "ed") + server_frame(0x88, "\x03\xe8");
    const std::string expected = "abc" + pattern(300) + "frag-ment-ed";
    // Two pieces split at every point, and every piece size from 1 byte up.
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        CAPTURE(split);
        FrameDecoder decoder;
        Decoded out;
        REQUIRE(decoder.feed(std::string_view(stream).substr(0, split), out.data, out.control).ok());
        REQUIRE(decoder.feed(std::string_view(stream).substr(split), out.data, out.control).ok());
        CHECK(out.data == expected);
        REQUIRE(out.control.size() == 3);
    }
    for (std::size_t step = 1; step <= stream.size(); ++step) {
        CAPTURE(step);
        const Decoded out = decode(stream, step);
        CHECK_FALSE(out.error);
        CHECK(out.data == expected);
        REQUIRE(out.control.size() == 3);
        CHECK(out.control[0].opcode == Opcode::ping);
        CHECK(out.control[0].payload == "ping!");
        CHECK(out.control[1].opcode == Opcode::pong);
        CHECK(out.control[1].payload == "");
        CHECK(out.control[2].opcode == Opcode::close);
        CHECK(mqtt::ws::close_reason(out.control[2].payload) == "1000");
    }
}

TEST_CASE("ws frames: 16 and 64-bit lengths from the broker")
{
    for (std::size_t size : {126u, 65535u, 65536u, 1000000u}) {
        CAPTURE(size);
        const std::string payload = pattern(size);
        const Decoded out = decode(server_frame(0x82, payload) + server_frame(0x82, "z"), 4093);
        CHECK_FALSE(out.error);
        CHECK(out.data == payload + "z");
    }
}

TEST_CASE("ws frames: what a client must refuse")
{
    struct Case {
        std::string bytes;
        std::string error;
    };
    const Case cases[] = {
        {server_frame(0x81, "text"), "the broker sent a text frame (MQTT needs binary frames)"},
        {std::string("\x82\x81\x01\x02\x03\x04x", 7), "the broker sent a masked frame"},
        {server_frame(0xc2, "x"), "the broker sent a frame with reserved bits set"},
        {server_frame(0x80, "x"), "the broker sent a continuation frame outside a message"},
        {server_frame(0x02, "a") + server_frame(0x82, "b"), "the broker started a message inside another"},
        {server_frame(0x09, "x"), "the broker sent a fragmented control frame"},
        {server_frame(0x89, std::string(126, 'p')), "the broker sent a control frame longer than 125 bytes"},
        {server_frame(0x83, "x"), "the broker sent a frame with the unknown opcode 3"},
        {std::string("\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 10), "the broker sent a frame of 9223372036854775808 bytes"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        const Decoded out = decode(c.bytes, 1);
        CHECK(out.error == c.error);
    }
    // What came before the bad frame was delivered.
    const Decoded out = decode(server_frame(0x82, "ok") + server_frame(0x81, "no"), 100);
    CHECK(out.data == "ok");
    CHECK(out.error.has_value());
}

TEST_CASE("ws frames: close reasons")
{
    CHECK(mqtt::ws::close_reason("") == "no status");
    CHECK(mqtt::ws::close_reason("\x03\xf0going") == "1008 going");
}
