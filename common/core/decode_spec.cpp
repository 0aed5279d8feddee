#include "decode_spec.h"

#include <fmt/format.h>

#include "quote.h"
#include "topic.h"

namespace mqtt {

namespace {

struct StepName {
    std::string_view name;
    DecodeStep step;
};

constexpr StepName k_steps[] = {
    {"gzip", DecodeStep::gzip},       {"zlib", DecodeStep::zlib},         {"zstd", DecodeStep::zstd},
    {"lz4", DecodeStep::lz4},         {"json", DecodeStep::json},         {"cbor", DecodeStep::cbor},
    {"msgpack", DecodeStep::msgpack}, {"protobuf", DecodeStep::protobuf}, {"sparkplug", DecodeStep::sparkplug},
    {"auto", DecodeStep::automatic},
};

/// Parses a chain of --decode (`encode` false) or --encode: decompressions, then at most one
/// format; --encode has no auto and no schemaless protobuf.
Result<DecodeChain> parse_chain(std::string_view text, bool encode)
{
    const char* option = encode ? "--encode" : "--decode";
    DecodeChain chain;
    chain.text = std::string(text);
    std::size_t start = 0;
    while (true) {
        std::size_t plus = text.find('+', start);
        std::string_view name = text.substr(start, plus == std::string_view::npos ? plus : plus - start);
        if (text.substr(start).starts_with("protobuf:")) {
            // A schema: FILE.proto:package.Message, split at the last ':' (the path may hold
            // ':' and '+'); the last step whatever follows.
            const std::string_view schema = text.substr(start + 9);
            const std::size_t colon = schema.rfind(':');
            if (colon == std::string_view::npos || colon == 0 || colon + 1 == schema.size()) {
                return Error{fmt::format("Error: {}: {} must be written protobuf:FILE.proto:package.Message.", option,
                                         quote_value(text.substr(start)))};
            }
            chain.proto_file = std::string(schema.substr(0, colon));
            chain.proto_message = std::string(schema.substr(colon + 1));
            name = "protobuf";
            plus = std::string_view::npos;
        }
        const StepName* found = nullptr;
        for (const auto& candidate : k_steps) {
            if (candidate.name == name) found = &candidate;
        }
        if (found != nullptr && encode &&
            (found->step == DecodeStep::automatic || found->step == DecodeStep::sparkplug ||
             (found->step == DecodeStep::protobuf && chain.proto_file.empty()))) {
            found = nullptr;
        }
        if (found == nullptr) {
            return Error{fmt::format("Error: {}: unknown codec {} (known: gzip, zlib, zstd, lz4, json, cbor, msgpack{}; "
                                     "chain them with +, e.g. gzip+cbor).",
                                     option, quote_value(name),
                                     encode ? ", protobuf:FILE.proto:package.Message"
                                            : ", protobuf, protobuf:FILE.proto:package.Message, sparkplug, auto")};
        }
        if (!chain.steps.empty() && !decompresses(chain.steps.back())) {
            return Error{fmt::format("Error: {}: {} must be the last step of {}.", option, decode_step_name(chain.steps.back()),
                                     quote_value(text))};
        }
        if (found->step == DecodeStep::automatic && !chain.steps.empty()) {
            return Error{fmt::format("Error: --decode: auto cannot follow another step in {}.", quote_value(text))};
        }
        chain.steps.push_back(found->step);
        if (plus == std::string_view::npos) break;
        start = plus + 1;
    }
    return chain;
}

}  // namespace

std::string_view decode_step_name(DecodeStep step)
{
    for (const auto& candidate : k_steps) {
        if (candidate.step == step) return candidate.name;
    }
    return "?";
}

bool decompresses(DecodeStep step)
{
    return step == DecodeStep::gzip || step == DecodeStep::zlib || step == DecodeStep::zstd || step == DecodeStep::lz4;
}

bool reads_sparkplug(const DecodeChain& chain)
{
    return !chain.steps.empty() && chain.steps.back() == DecodeStep::sparkplug;
}

Result<DecodeChain> parse_encode_chain(std::string_view text)
{
    return parse_chain(text, true);
}

Result<DecodeRule> parse_decode_rule(std::string_view text)
{
    DecodeRule rule;
    std::string_view codec = text;
    const std::size_t equals = text.rfind('=');
    if (equals != std::string_view::npos) {
        rule.filter = std::string(text.substr(0, equals));
        codec = text.substr(equals + 1);
        if (auto checked = check_filter(rule.filter, "--decode"); !checked.ok())
            return Error{fmt::format("Error: {}", checked.error())};
    } else {
        rule.filter.push_back('#');  // (not `= "#"`: GCC 12's -Wrestrict misfires on it under ASan)
    }
    auto chain = parse_chain(codec, false);
    if (!chain) return Error{std::move(chain.error())};
    rule.chain = std::move(*chain);
    return rule;
}

}  // namespace mqtt
