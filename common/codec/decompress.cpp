#include "decompress.h"

#include <fmt/format.h>
#include <lz4frame.h>
#include <memory>
#include <zlib.h>
#include <zstd.h>

namespace mqtt {

namespace {

constexpr std::size_t k_chunk = 64 * 1024;

Error<DecodeError> too_large()
{
    return Error{DecodeError{fmt::format("decompressed data exceeds {} MiB", k_max_decoded_size >> 20), std::nullopt}};
}

/// Makes room for the next chunk of output: false when the cap is reached.
bool grow(std::string& out, std::size_t used)
{
    if (used >= k_max_decoded_size + 1) return false;
    out.resize(std::min(used + k_chunk, k_max_decoded_size + 1));
    return true;
}

DecodeStatus inflate_data(std::string_view data, std::string& out, bool gzip)
{
    z_stream stream{};
    if (inflateInit2(&stream, gzip ? 15 + 16 : 15) != Z_OK) return Error{DecodeError{"zlib cannot start", std::nullopt}};
    const std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    std::size_t consumed = 0;
    std::size_t used = 0;
    while (true) {
        const std::size_t input = std::min<std::size_t>(data.size() - consumed, UINT32_MAX);
        stream.avail_in = static_cast<uInt>(input);
        if (used == out.size() && !grow(out, used)) return too_large();
        stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        stream.avail_out = static_cast<uInt>(out.size() - used);
        const int rc = inflate(&stream, Z_NO_FLUSH);
        consumed += input - stream.avail_in;
        used = out.size() - stream.avail_out;
        if (used > k_max_decoded_size) return too_large();
        if (rc == Z_STREAM_END) {
            // gzip allows several members one after the other (cat a.gz b.gz).
            if (gzip && consumed < data.size()) {
                inflateReset(&stream);
                continue;
            }
            if (consumed < data.size()) {
                return Error{DecodeError{fmt::format("{} bytes follow the compressed stream", data.size() - consumed), consumed}};
            }
            out.resize(used);
            return {};
        }
        if (rc == Z_BUF_ERROR && consumed >= data.size() && stream.avail_out > 0) {
            return Error{DecodeError{"truncated: the compressed stream ends early", consumed}};
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return Error{DecodeError{stream.msg ? stream.msg : "corrupt compressed data", consumed}};
        }
    }
}

DecodeStatus unzstd(std::string_view data, std::string& out)
{
    const std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!context) return Error{DecodeError{"zstd cannot start", std::nullopt}};
    // A frame may ask for a window of up to 2^27 bytes (more with its own flag): allow no
    // more than the output cap, so that the header alone cannot make us allocate more.
    ZSTD_DCtx_setParameter(context.get(), ZSTD_d_windowLogMax, 24);
    ZSTD_inBuffer input{data.data(), data.size(), 0};
    std::size_t used = 0;
    std::size_t last = 1;
    while (input.pos < input.size || last != 0) {
        if (used == out.size() && !grow(out, used)) return too_large();
        ZSTD_outBuffer output{out.data(), out.size(), used};
        const std::size_t before_in = input.pos;
        last = ZSTD_decompressStream(context.get(), &output, &input);
        if (ZSTD_isError(last)) return Error{DecodeError{ZSTD_getErrorName(last), input.pos}};
        used = output.pos;
        if (used > k_max_decoded_size) return too_large();
        if (last != 0 && input.pos == input.size && input.pos == before_in && output.pos < output.size) {
            return Error{DecodeError{"truncated: the compressed stream ends early", input.pos}};
        }
    }
    out.resize(used);
    return {};
}

DecodeStatus unlz4(std::string_view data, std::string& out)
{
    LZ4F_dctx* raw = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
        return Error{DecodeError{"lz4 cannot start", std::nullopt}};
    }
    const std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> context(raw, LZ4F_freeDecompressionContext);
    std::size_t consumed = 0;
    std::size_t used = 0;
    std::size_t hint = 1;
    while (consumed < data.size()) {
        if (used == out.size() && !grow(out, used)) return too_large();
        std::size_t out_size = out.size() - used;
        std::size_t in_size = data.size() - consumed;
        hint = LZ4F_decompress(context.get(), out.data() + used, &out_size, data.data() + consumed, &in_size, nullptr);
        if (LZ4F_isError(hint)) return Error{DecodeError{LZ4F_getErrorName(hint), consumed}};
        consumed += in_size;
        used += out_size;
        if (used > k_max_decoded_size) return too_large();
        if (hint == 0 && consumed < data.size()) {
            return Error{DecodeError{fmt::format("{} bytes follow the compressed frame", data.size() - consumed), consumed}};
        }
        if (in_size == 0 && out_size == 0) break;
    }
    // Output still held back (a full output buffer) comes out with no more input.
    while (hint != 0) {
        if (used == out.size() && !grow(out, used)) return too_large();
        std::size_t out_size = out.size() - used;
        std::size_t in_size = 0;
        hint = LZ4F_decompress(context.get(), out.data() + used, &out_size, nullptr, &in_size, nullptr);
        if (LZ4F_isError(hint)) return Error{DecodeError{LZ4F_getErrorName(hint), consumed}};
        used += out_size;
        if (used > k_max_decoded_size) return too_large();
        if (out_size == 0 && hint != 0) return Error{DecodeError{"truncated: the compressed frame ends early", consumed}};
    }
    out.resize(used);
    return {};
}

}  // namespace

DecodeStatus decompress(DecodeStep step, std::string_view data, std::string& out)
{
    out.clear();
    switch (step) {
    case DecodeStep::gzip: return inflate_data(data, out, true);
    case DecodeStep::zlib: return inflate_data(data, out, false);
    case DecodeStep::zstd: return unzstd(data, out);
    case DecodeStep::lz4: return unlz4(data, out);
    default: break;
    }
    return Error{DecodeError{"not a decompression step", std::nullopt}};
}

std::optional<DecodeStep> sniff_compression(std::string_view data)
{
    if (data.starts_with("\x1f\x8b")) return DecodeStep::gzip;
    if (data.starts_with("\x28\xb5\x2f\xfd")) return DecodeStep::zstd;
    if (data.starts_with("\x04\x22\x4d\x18")) return DecodeStep::lz4;
    if (data.size() >= 2) {
        const auto cmf = static_cast<unsigned char>(data[0]);
        const auto flg = static_cast<unsigned char>(data[1]);
        if ((cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0) return DecodeStep::zlib;
    }
    return {};
}

}  // namespace mqtt
