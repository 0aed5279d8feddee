// --decode at run time: picks the rule for a message's topic (the first whose filter
// matches; a sparkplug rule only on Sparkplug topics), runs its chain (decompressions, then
// json, cbor, msgpack, protobuf or sparkplug, or auto) and
// holds the result until the next message.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "decode_spec.h"
#include "protobuf_schema.h"
#include "sparkplug.h"
#include "value_writer.h"

namespace mqtt {

/// What decoding one message gave.
struct Decoded {
    enum class Kind {
        none,    ///< no rule matched, the payload is empty, or auto found nothing to do
        json,    ///< `value` is one JSON value, compact
        bytes,   ///< `value` is the payload decompressed (a chain of decompressions only)
        failed,  ///< `error` says why; `chain` is the rule's
    };
    Kind kind = Kind::none;
    std::string_view value;
    DecodeError error;
    const DecodeChain* chain = nullptr;
    /// Sentences for stderr, without "Warning: " (sparkplug: seq gaps, bdSeq, unknown aliases).
    std::span<const std::string> warnings{};
};

class PayloadDecoder {
public:
    /// Loads the rules' Protobuf schemas (imports also searched in `proto_path`), or throws
    /// Failure with the line "Error: --decode CODEC: FILE:LINE:COL: reason" (status 1).
    explicit PayloadDecoder(const std::vector<DecodeRule>& rules, const std::vector<std::string>& proto_path = {});

    bool active() const { return !m_rules.empty(); }
    /// Decodes `payload` as the rule for `topic` says; the value stays valid until the next call.
    Decoded decode(std::string_view topic, std::string_view payload);

private:
    Decoded run(const DecodeChain& chain, ProtobufSchema* schema, std::string_view topic, std::string_view payload);

    const std::vector<DecodeRule>& m_rules;
    std::vector<std::unique_ptr<ProtobufSchema>> m_schemas;  ///< by rule; null without a schema
    std::string m_buffers[2];                                ///< decompressed data, alternately
    std::string m_json;
    SparkplugDecoder m_sparkplug;  ///< the aliases and sequence numbers of this run
    std::vector<std::string> m_warnings;
};

/// The stderr line for a message that did not decode, e.g. "Message payload on topic a/b
/// does not decode as cbor: truncated ... at byte 3" (topic escaped; no prefix, no full stop).
std::string decode_failure_text(std::string_view topic, const Decoded& decoded);

}  // namespace mqtt
