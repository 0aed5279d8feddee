#include "payload_decoder.h"

#include <fmt/format.h>

#include "cbor_decode.h"
#include "decompress.h"
#include "error.h"
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

PayloadDecoder::PayloadDecoder(const std::vector<DecodeRule>& rules, const std::vector<std::string>& proto_path)
    : m_rules(rules)
{
    for (const auto& rule : m_rules) {
        m_schemas.emplace_back();
        if (rule.chain.proto_file.empty()) continue;
        auto schema = ProtobufSchema::load(rule.chain.proto_file, rule.chain.proto_message, proto_path);
        if (!schema) throw Failure(ExitStatus::usage, fmt::format("Error: --decode {}: {}", rule.chain.text, escape_control(schema.error())));
        m_schemas.back() = std::move(*schema);
    }
}

Decoded PayloadDecoder::decode(std::string_view topic, std::string_view payload)
{
    if (payload.empty()) return {};
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
        if (reads_sparkplug(m_rules[i].chain) && !is_sparkplug_topic(topic)) continue;
        if (topic_matches(m_rules[i].filter, topic)) return run(m_rules[i].chain, m_schemas[i].get(), topic, payload);
    }
    return {};
}

Decoded PayloadDecoder::run(const DecodeChain& chain, ProtobufSchema* schema, std::string_view topic,
                            std::string_view payload)
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
            if (auto status = decompress(step, data, m_buffers[buffer]); !status) return failed(chain, std::move(status.error()), step);
            data = m_buffers[buffer];
            buffer ^= 1;
            decompressed = true;
            break;
        case DecodeStep::json:
            if (!json_value(data, m_json)) return failed(chain, {"not valid JSON", std::nullopt}, step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::cbor:
            m_json.clear();
            if (auto status = cbor_to_json(data, m_json); !status) return failed(chain, std::move(status.error()), step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::msgpack:
            m_json.clear();
            if (auto status = msgpack_to_json(data, m_json); !status) return failed(chain, std::move(status.error()), step);
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::protobuf:
            m_json.clear();
            if (auto status = schema ? schema->to_json(data, m_json) : protobuf_raw_to_json(data, m_json); !status) {
                return failed(chain, std::move(status.error()), step);
            }
            return {Decoded::Kind::json, m_json, {}, &chain};
        case DecodeStep::sparkplug:
            m_json.clear();
            m_warnings.clear();
            if (auto status = m_sparkplug.decode(topic, data, m_json, m_warnings); !status) return failed(chain, std::move(status.error()), step);
            return {Decoded::Kind::json, m_json, {}, &chain, m_warnings};
        case DecodeStep::automatic:
            if (const auto compression = sniff_compression(data)) {
                auto status = decompress(*compression, data, m_buffers[buffer]);
                if (status) {
                    data = m_buffers[buffer];
                    decompressed = true;
                } else if (*compression != DecodeStep::zlib) {
                    return failed(chain, std::move(status.error()), *compression);
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
