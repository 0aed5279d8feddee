#include "payload_decoder.h"

#include <fmt/format.h>

#include "cbor_decode.h"
#include "decompress.h"
#include "json.h"
#include "msgpack_decode.h"
#include "protobuf_raw.h"
#include "terminal_text.h"
#include "topic.h"

namespace mqtt {

namespace {

Decoded failed(const DecodeChain& chain, DecodeError error, DecodeStep step)
{
    Decoded result;
    result.kind = Decoded::Kind::failed;
    result.chain = &chain;
    // The step is named when the chain has several, or when auto chose it.
    if (chain.steps.size() > 1 || chain.steps.front() != step) error.reason = fmt::format("{}: {}", decode_step_name(step), error.reason);
    result.error = std::move(error);
    return result;
}

bool json_value(std::string_view data, std::string& out)
{
    out.clear();
    if (!json_is_valid(data)) return false;
    JsonWriter writer(out, false);
    json_copy(data, writer);
    return true;
}

}  // namespace

Decoded PayloadDecoder::decode(std::string_view topic, std::string_view payload)
{
    if (payload.empty()) return {};
    for (const auto& rule : m_rules) {
        if (reads_sparkplug(rule.chain) && !is_sparkplug_topic(topic)) continue;
        if (topic_matches(rule.filter, topic)) return run(rule.chain, topic, payload);
    }
    return {};
}

Decoded PayloadDecoder::run(const DecodeChain& chain, std::string_view topic, std::string_view payload)
{
    std::string_view data = payload;
    int buffer = 0;
    bool decompressed = false;
    for (const DecodeStep step : chain.steps) {
        switch (step) {
        case DecodeStep::gzip:
        case DecodeStep::zlib:
        case DecodeStep::zstd:
        case DecodeStep::lz4:
            if (auto error = decompress(step, data, m_buffers[buffer])) return failed(chain, std::move(*error), step);
            data = m_buffers[buffer];
            buffer ^= 1;
            decompressed = true;
            break;
        case DecodeStep::json:
            if (!json_value(data, m_json)) return failed(chain, {"not valid JSON", std::nullopt}, step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::cbor:
            m_json.clear();
            if (auto error = cbor_to_json(data, m_json)) return failed(chain, std::move(*error), step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::msgpack:
            m_json.clear();
            if (auto error = msgpack_to_json(data, m_json)) return failed(chain, std::move(*error), step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::protobuf:
            m_json.clear();
            if (auto error = protobuf_raw_to_json(data, m_json)) return failed(chain, std::move(*error), step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::sparkplug:
            m_json.clear();
            m_warnings.clear();
            if (auto error = m_sparkplug.decode(topic, data, m_json, m_warnings)) return failed(chain, std::move(*error), step);
            return {Decoded::Kind::json, m_json, {}, &chain, m_warnings};
        case DecodeStep::automatic:
            if (const auto compression = sniff_compression(data)) {
                auto error = decompress(*compression, data, m_buffers[buffer]);
                if (!error) {
                    data = m_buffers[buffer];
                    decompressed = true;
                } else if (*compression != DecodeStep::zlib) {
                    return failed(chain, std::move(*error), *compression);
                }
            }
            if (json_value(data, m_json)) return {Decoded::Kind::json, m_json, {}, &chain};
            if (!decompressed) return {};
            return {Decoded::Kind::bytes, data, {}, &chain};
        }
    }
    return {Decoded::Kind::bytes, data, {}, &chain};
}

std::string decode_failure_text(std::string_view topic, const Decoded& decoded)
{
    std::string text = fmt::format("Message payload on topic {} does not decode as {}: {}", escape_control(topic),
                                   decoded.chain ? decoded.chain->text : "?", escape_control(decoded.error.reason));
    if (decoded.error.offset) text += fmt::format(" at byte {}", *decoded.error.offset);
    return text;
}

}  // namespace mqtt
