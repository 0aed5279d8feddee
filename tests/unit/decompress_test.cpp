#include <doctest/doctest.h>

#include <lz4frame.h>
#include <string>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"

using mqtt::DecodeStep;

namespace {

std::string deflated(const std::string& data, bool gzip)
{
    z_stream stream{};
    REQUIRE(deflateInit2(&stream, 9, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&stream, data.size()) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

std::string zstd_frame(const std::string& data)
{
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
    REQUIRE(!ZSTD_isError(size));
    out.resize(size);
    return out;
}

std::string lz4_frame(const std::string& data)
{
    std::string out(LZ4F_compressFrameBound(data.size(), nullptr), '\0');
    const std::size_t size = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), nullptr);
    REQUIRE(!LZ4F_isError(size));
    out.resize(size);
    return out;
}

std::string compressed(DecodeStep step, const std::string& data)
{
    switch (step) {
    case DecodeStep::gzip: return deflated(data, true);
    case DecodeStep::zlib: return deflated(data, false);
    case DecodeStep::zstd: return zstd_frame(data);
    default: return lz4_frame(data);
    }
}

}  // namespace

TEST_CASE("gzip, zlib, zstd and lz4 frames decompress, and auto recognises each")
{
    const std::string text = "{\"temperature\": 21.5, \"log\": \"" + std::string(5000, 'x') + "\"}";
    for (const DecodeStep step : {DecodeStep::gzip, DecodeStep::zlib, DecodeStep::zstd, DecodeStep::lz4}) {
        CAPTURE(static_cast<int>(step));
        const std::string packed = compressed(step, text);
        std::string out = "old";
        CHECK(mqtt::decompress(step, packed, out).ok());
        CHECK(out == text);
        CHECK(mqtt::sniff_compression(packed) == step);
        // Cut short: an error, never a partial result taken as whole.
        const auto cut = mqtt::decompress(step, packed.substr(0, packed.size() - 3), out);
        REQUIRE_FALSE(cut.ok());
        CHECK(cut.error().reason != "");
    }
    CHECK_FALSE(mqtt::sniff_compression("{\"a\":1}").has_value());
    CHECK_FALSE(mqtt::sniff_compression("hello").has_value());
}

TEST_CASE("decompression stops at 16 MiB: a small bomb is a clear error")
{
    const std::string zeros((std::size_t{16} << 20) + 1, '\0');
    for (const DecodeStep step : {DecodeStep::gzip, DecodeStep::zlib, DecodeStep::zstd, DecodeStep::lz4}) {
        CAPTURE(static_cast<int>(step));
        const std::string bomb = compressed(step, zeros);
        CHECK(bomb.size() < 100000);
        std::string out;
        const auto burst = mqtt::decompress(step, bomb, out);
        REQUIRE_FALSE(burst.ok());
        CHECK(burst.error().reason == "decompressed data exceeds 16 MiB");
    }
    // Exactly the limit still decompresses.
    std::string out;
    CHECK(mqtt::decompress(DecodeStep::gzip, compressed(DecodeStep::gzip, zeros.substr(1)), out).ok());
    CHECK(out.size() == std::size_t{16} << 20);
}

TEST_CASE("corrupt and trailing compressed data are errors with their offset")
{
    std::string out;
    const auto garbage = mqtt::decompress(DecodeStep::gzip, "\x1f\x8b\x08\x00garbage-garbage", out);
    REQUIRE_FALSE(garbage.ok());
    const std::string packed = compressed(DecodeStep::zlib, "hello");
    const auto trailing = mqtt::decompress(DecodeStep::zlib, packed + "xx", out);
    REQUIRE_FALSE(trailing.ok());
    CHECK(trailing.error().reason == "2 bytes follow the compressed stream");
    CHECK(trailing.error().offset == packed.size());
    // gzip members one after the other are one stream, as gzip -d reads them.
    CHECK(mqtt::decompress(DecodeStep::gzip, compressed(DecodeStep::gzip, "ab") + compressed(DecodeStep::gzip, "cd"), out).ok());
    CHECK(out == "abcd");
}
