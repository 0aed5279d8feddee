// libFuzzer target: --where (where_filter.h over libjq, loaded by dlopen) judging a message
// from the network: its payload as JSON text, its topic and a user property. The
// expressions are the user's and fixed here; the message is what the fuzzer controls.
// Input: a byte choosing the expression (low 3 bits) and whether the message carries a
// user property (bit 3), then the topic, a NUL, and the payload.
// Properties checked: a verdict is always one of the four; `true` passes exactly the
// payloads that are JSON; a failure's reason and its stderr text hold no control byte.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <string>
#include <string_view>

#include "flagged_input.h"
#include "where_filter.h"

namespace {

constexpr std::array<const char*, 8> k_expressions{
    "true",
    ".",
    ".t > 20",
    ".a.b[0] == \"x\"",
    "$topic | test(\"^dev/[^/]+/state$\")",
    "$properties | length > 0",
    "[.. | numbers] | add > 1",
    "tostring | length > 3 and $qos == 1 and ($retain | not)",
};

mqtt::WhereFilter& filter(std::size_t index)
{
    static std::array<std::unique_ptr<mqtt::WhereFilter>, k_expressions.size()> filters;
    if (!filters[index]) filters[index] = std::make_unique<mqtt::WhereFilter>(k_expressions[index]);
    return *filters[index];
}

bool has_control(std::string_view text)
{
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const auto input = fuzz::split_flagged(bytes, size);
    if (!input) return 0;
    const std::uint8_t flags = input->flags;
    const std::string topic(input->first);
    const std::string payload(input->second);

    mosquitto_property* properties = nullptr;
    if ((flags & 8) != 0 &&
        mosquitto_property_add_string_pair(&properties, MQTT_PROP_USER_PROPERTY, topic.c_str(), payload.substr(0, 64).c_str()) !=
            MOSQ_ERR_SUCCESS) {
        mosquitto_property_free_all(&properties);
        return 0;
    }
    const mqtt::WhereFacts facts{topic, (flags >> 6) % 3, (flags & 16) != 0, properties};
    const std::size_t index = flags & 7;
    mqtt::WhereFilter& where = filter(index);
    const mqtt::WhereFilter::Verdict verdict = where.judge(payload, facts);
    mosquitto_property_free_all(&properties);

    using Verdict = mqtt::WhereFilter::Verdict;
    switch (verdict) {
    case Verdict::passes:
    case Verdict::fails: break;
    case Verdict::not_json:
    case Verdict::error: {
        const std::string& reason = where.reason();
        if (reason.empty() || has_control(reason)) std::abort();
        if (has_control(mqtt::where_failure_text(topic, verdict, reason))) std::abort();
        break;
    }
    default: std::abort();
    }
    // `true` cannot raise an error, and passes every JSON value.
    if (index == 0 && verdict != Verdict::passes && verdict != Verdict::not_json) std::abort();
    // `.` cannot raise an error either, and takes as JSON exactly what `true` takes.
    if (index == 1) {
        if (verdict == Verdict::error) std::abort();
        const mqtt::WhereFacts none{topic, 0, false, nullptr};
        if ((filter(0).judge(payload, none) == Verdict::not_json) != (verdict == Verdict::not_json)) std::abort();
    }
    return 0;
}
