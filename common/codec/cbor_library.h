// libcbor, loaded with dlopen at the first CBOR payload rather than by the dynamic loader:
// a tool that decodes or encodes no CBOR does not pay for mapping and relocating it at
// start-up (about 230 k instructions, 6 % of `mqtt-sub --version`). The decoder
// (cbor_decode.cpp) and the encoder (payload_encoder.cpp) take their functions from here.
#pragma once

#include <cbor.h>
#include <string>

namespace mqtt {

/// The functions of libcbor the tools call.
struct CborLibrary {
    decltype(&cbor_stream_decode) stream_decode;
    decltype(&cbor_encode_uint) encode_uint;
    decltype(&cbor_encode_negint) encode_negint;
    decltype(&cbor_encode_bytestring_start) encode_bytestring_start;
    decltype(&cbor_encode_string_start) encode_string_start;
    decltype(&cbor_encode_array_start) encode_array_start;
    decltype(&cbor_encode_map_start) encode_map_start;
    decltype(&cbor_encode_tag) encode_tag;
    decltype(&cbor_encode_bool) encode_bool;
    decltype(&cbor_encode_null) encode_null;
    decltype(&cbor_encode_undef) encode_undef;
    decltype(&cbor_encode_ctrl) encode_ctrl;
    decltype(&cbor_encode_half) encode_half;
    decltype(&cbor_encode_single) encode_single;
    decltype(&cbor_encode_double) encode_double;
};

/// libcbor's functions, loaded at the first call; null when it cannot be loaded, and then
/// `error` says why (e.g. "libcbor.so.0.8 cannot be loaded: ...").
const CborLibrary* cbor_library(std::string& error);

}  // namespace mqtt
