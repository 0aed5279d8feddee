// mqtt-pub --encode: JSON (a message's payload as text, or a --json record's
// payload_decoded) written as CBOR, MessagePack or compact JSON, then compressed by the
// chain's compression steps, last first, so that --decode with the same chain reads it
// back. The markers of mqtt-sub(1) DECODING ({"$bytes":...}, {"$tag":...}, ...) turn back
// into the values they stand for; the tree is walked with a stack, never recursion.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "decode_spec.h"
#include "json_value.h"
#include "protobuf_schema.h"
#include "result.h"

namespace mqtt {

class PayloadEncoder {
public:
    /// Loads the chain's Protobuf schema, if any (imports also searched in `proto_path`),
    /// or throws Failure with the line "Error: --encode CODEC: FILE:LINE:COL: reason".
    explicit PayloadEncoder(DecodeChain chain, const std::vector<std::string>& proto_path = {});

    /// `payload` encoded: JSON text when the chain has a format (json, cbor, msgpack, protobuf), any
    /// bytes for compressions alone. The view stays valid until the next call; the error is
    /// a predicate about the payload: "is not JSON at byte 3: ...", "cannot be written as
    /// cbor: ...".
    Result<std::string_view> encode(std::string_view payload);
    /// `value` (a --json record's payload_decoded) encoded; for compressions alone it must
    /// be a string or {"$bytes":"<base64>"}.
    Result<std::string_view> encode(const JsonValue& value);

    const DecodeChain& chain() const { return m_chain; }

private:
    /// Compresses m_buffers[0] by the chain's compressions, last step first.
    Result<std::string_view> compressed();

    DecodeChain m_chain;
    std::optional<DecodeStep> m_format;        ///< json, cbor, msgpack or protobuf; none: compressions alone
    std::unique_ptr<ProtobufSchema> m_schema;  ///< protobuf:FILE.proto:package.Message
    std::string m_buffers[2];
};

}  // namespace mqtt
