#include "cbor_decode.h"

#include <fmt/format.h>

#include "cbor_library.h"

namespace mqtt {

namespace {

ValueWriter& writer_of(void* context)
{
    return *static_cast<ValueWriter*>(context);
}

std::string_view view(cbor_data data, std::uint64_t length)
{
    return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(length)};
}

// libcbor's callbacks return nothing: a refused item leaves the writer's error set.
const cbor_callbacks k_callbacks = [] {
    cbor_callbacks c{};
    c.uint8 = [](void* w, std::uint8_t v) { writer_of(w).unsigned_integer(v); };
    c.uint16 = [](void* w, std::uint16_t v) { writer_of(w).unsigned_integer(v); };
    c.uint32 = [](void* w, std::uint32_t v) { writer_of(w).unsigned_integer(v); };
    c.uint64 = [](void* w, std::uint64_t v) { writer_of(w).unsigned_integer(v); };
    c.negint8 = [](void* w, std::uint8_t v) { writer_of(w).negative_integer(v); };
    c.negint16 = [](void* w, std::uint16_t v) { writer_of(w).negative_integer(v); };
    c.negint32 = [](void* w, std::uint32_t v) { writer_of(w).negative_integer(v); };
    c.negint64 = [](void* w, std::uint64_t v) { writer_of(w).negative_integer(v); };
    c.byte_string_start = [](void* w) { writer_of(w).begin_chunks(false); };
    c.byte_string = [](void* w, cbor_data d, std::uint64_t n) { writer_of(w).bytes(view(d, n)); };
    c.string_start = [](void* w) { writer_of(w).begin_chunks(true); };
    c.string = [](void* w, cbor_data d, std::uint64_t n) { writer_of(w).text(view(d, n)); };
    c.indef_array_start = [](void* w) { writer_of(w).begin_array(std::nullopt); };
    c.array_start = [](void* w, std::uint64_t n) { writer_of(w).begin_array(n); };
    c.indef_map_start = [](void* w) { writer_of(w).begin_map(std::nullopt); };
    c.map_start = [](void* w, std::uint64_t n) { writer_of(w).begin_map(n); };
    c.tag = [](void* w, std::uint64_t t) { writer_of(w).begin_tag(t); };
    c.float2 = [](void* w, float v) { writer_of(w).floating(v); };
    c.float4 = [](void* w, float v) { writer_of(w).floating(v); };
    c.float8 = [](void* w, double v) { writer_of(w).floating(v); };
    c.undefined = [](void* w) { writer_of(w).undefined(); };
    c.null = [](void* w) { writer_of(w).null(); };
    c.boolean = [](void* w, bool v) { writer_of(w).boolean(v); };
    c.indef_break = [](void* w) { writer_of(w).end_indefinite(); };
    return c;
}();

DecodeStatus walk(std::string_view data, ValueWriter& writer)
{
    std::string load_error;
    const CborLibrary* library = cbor_library(load_error);
    if (library == nullptr) return Error{DecodeError{load_error, std::nullopt}};
    const auto stream_decode = library->stream_decode;
    const auto* bytes = reinterpret_cast<cbor_data>(data.data());
    std::size_t offset = 0;
    while (!writer.done()) {
        if (offset >= data.size()) return Error{DecodeError{"truncated: the data ends inside an item", offset}};
        const auto head = static_cast<unsigned char>(data[offset]);
        // Simple values other than false, true, null and undefined: libcbor 0.8 refuses them.
        if ((head >= 0xe0 && head <= 0xf3) || head == 0xf8) {
            unsigned value = head - 0xe0u;
            std::size_t size = 1;
            if (head == 0xf8) {
                if (offset + 1 >= data.size()) return Error{DecodeError{"truncated: the data ends inside an item", offset}};
                value = static_cast<unsigned char>(data[offset + 1]);
                if (value < 32) return Error{DecodeError{"a simple value in two bytes that fits in one", offset}};
                size = 2;
            }
            if (!writer.simple(value)) return Error{DecodeError{writer.error(), offset}};
            offset += size;
            continue;
        }
        // Tags 6 to 20 in the initial byte (COSE's 16 to 18 among them): well-formed, but
        // libcbor 0.8 refuses them as unassigned.
        if (head >= 0xc6 && head <= 0xd4) {
            if (!writer.begin_tag(head - 0xc0u)) return Error{DecodeError{writer.error(), offset}};
            offset += 1;
            continue;
        }
        const cbor_decoder_result result = stream_decode(bytes + offset, data.size() - offset, &k_callbacks, &writer);
        switch (result.status) {
        case CBOR_DECODER_FINISHED:
            break;
        case CBOR_DECODER_NEDATA:
            return Error{DecodeError{fmt::format("truncated: the item needs {} bytes, {} are left", result.required,
                                           data.size() - offset),
                               offset}};
        case CBOR_DECODER_ERROR:
            return Error{DecodeError{fmt::format("malformed item (initial byte 0x{:02x})", head), offset}};
        }
        if (!writer.error().empty()) return Error{DecodeError{writer.error(), offset}};
        offset += result.read;
    }
    if (offset != data.size()) {
        return Error{DecodeError{fmt::format("{} bytes follow the data item", data.size() - offset), offset}};
    }
    return {};
}

}  // namespace

DecodeStatus cbor_to_json(std::string_view data, std::string& out)
{
    return write_document(out, [&](ValueWriter& writer) { return walk(data, writer); });
}

}  // namespace mqtt
