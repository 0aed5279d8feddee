#include "compress.h"

#include <fmt/format.h>
#include <lz4frame.h>
#include <memory>
#include <zlib.h>
#include <zstd.h>

namespace mqtt {

namespace {

/// gzip (RFC 1952: no name, no time, as `gzip -n`) or zlib (RFC 1950), level 6.
Status deflate_data(std::string_view data, std::string& out, bool gzip)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return Error{"zlib cannot start"};
    }
    const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, deflateEnd);
    // Payloads are below 256 MiB, so the sizes fit zlib's 32-bit counts.
    out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&stream, Z_FINISH);
    if (rc != Z_STREAM_END) return Error{fmt::format("zlib cannot compress: {}", stream.msg ? stream.msg : "no room")};
    out.resize(stream.total_out);
    return {};
}

Status zstd(std::string_view data, std::string& out)
{
    out.resize(ZSTD_compressBound(data.size()));
    const std::size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), ZSTD_CLEVEL_DEFAULT);
    if (ZSTD_isError(size)) return Error{fmt::format("zstd cannot compress: {}", ZSTD_getErrorName(size))};
    out.resize(size);
    return {};
}

/// An LZ4 frame as `lz4` writes one: the content checksum on, the size of the content given.
Status lz4(std::string_view data, std::string& out)
{
    LZ4F_preferences_t preferences{};
    preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    preferences.frameInfo.contentSize = data.size();
    out.resize(LZ4F_compressFrameBound(data.size(), &preferences));
    const std::size_t size = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &preferences);
    if (LZ4F_isError(size)) return Error{fmt::format("lz4 cannot compress: {}", LZ4F_getErrorName(size))};
    out.resize(size);
    return {};
}

}  // namespace

Status compress(DecodeStep step, std::string_view data, std::string& out)
{
    switch (step) {
    case DecodeStep::gzip: return deflate_data(data, out, true);
    case DecodeStep::zlib: return deflate_data(data, out, false);
    case DecodeStep::zstd: return zstd(data, out);
    case DecodeStep::lz4: return lz4(data, out);
    default: break;
    }
    return Error{fmt::format("{} is not a compression", decode_step_name(step))};
}

}  // namespace mqtt
